/// Simple colouring of code lines for a few common languages: keywords, strings, numbers and
/// comments. It never changes the text, only styles runs of it; `/* … */` comments carry over
/// lines through `inBlockComment`.
struct CodeHighlighter: Sendable {
    struct Language: Sendable {
        var keywords: Set<String>
        var lineComment: String?
        var blockComments: Bool
        var singleQuotedStrings: Bool
    }

    let language: Language?
    private(set) var inBlockComment = false

    static let keywordForeground = "35"
    static let stringForeground = "32"
    static let numberForeground = "33"
    static let commentForeground = "90"

    init(language name: String) {
        language = Self.language(named: name.lowercased())
    }

    /// The runs of one code line, on `base` (the block's background).
    mutating func runs(_ line: String, base: TextStyle) -> [StyledRun] {
        guard let language else { return [StyledRun(line, base)] }
        let characters = Array(line)
        var runs: [StyledRun] = []
        var index = 0
        func add(_ range: Range<Int>, _ foreground: String?) {
            guard !range.isEmpty else { return }
            let style = base.with { $0.foreground = foreground }
            let text = String(characters[range])
            if let last = runs.last, last.style == style {
                runs[runs.count - 1].text += text
            } else {
                runs.append(StyledRun(text, style))
            }
        }
        while index < characters.count {
            if inBlockComment {
                let end = find(["*", "/"], in: characters, from: index).map { $0 + 2 }
                inBlockComment = end == nil
                add(index..<(end ?? characters.count), Self.commentForeground)
                index = end ?? characters.count
                continue
            }
            let character = characters[index]
            if let comment = language.lineComment, starts(characters, with: Array(comment), at: index) {
                add(index..<characters.count, Self.commentForeground)
                break
            }
            if language.blockComments, starts(characters, with: ["/", "*"], at: index) {
                inBlockComment = true
                add(index..<(index + 2), Self.commentForeground)
                index += 2
                continue
            }
            if character == "\"" || (character == "'" && language.singleQuotedStrings) || character == "`" {
                var end = index + 1
                while end < characters.count, characters[end] != character {
                    end += characters[end] == "\\" ? 2 : 1
                }
                end = min(end + 1, characters.count)
                add(index..<end, Self.stringForeground)
                index = end
                continue
            }
            if character.isLetter || character == "_" {
                var end = index
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                let word = String(characters[index..<end])
                add(index..<end, language.keywords.contains(word) ? Self.keywordForeground : nil)
                index = end
                continue
            }
            if character.isASCII && character.isNumber {
                var end = index
                while end < characters.count,
                    characters[end].isLetter || characters[end].isNumber || characters[end] == "." || characters[end] == "_"
                {
                    end += 1
                }
                add(index..<end, Self.numberForeground)
                index = end
                continue
            }
            add(index..<(index + 1), nil)
            index += 1
        }
        return runs
    }

    private func starts(_ characters: [Character], with prefix: [Character], at index: Int) -> Bool {
        index + prefix.count <= characters.count && Array(characters[index..<(index + prefix.count)]) == prefix
    }

    private func find(_ needle: [Character], in characters: [Character], from index: Int) -> Int? {
        var position = index
        while position + needle.count <= characters.count {
            if starts(characters, with: needle, at: position) { return position }
            position += 1
        }
        return nil
    }

    private static func language(named name: String) -> Language? {
        let cLike = Language(keywords: [], lineComment: "//", blockComments: true, singleQuotedStrings: true)
        func with(_ base: Language, _ words: String, singleQuoted: Bool = true) -> Language {
            var language = base
            language.keywords = Set(words.split(separator: " ").map(String.init))
            language.singleQuotedStrings = singleQuoted
            return language
        }
        switch name {
        case "swift":
            return with(
                cLike,
                "func let var if else guard return struct class enum protocol extension import for in while repeat switch case default "
                    + "break continue throw throws try catch async await actor public private internal fileprivate static self Self "
                    + "init deinit nil true false where some any defer do inout mutating final override associatedtype typealias",
                singleQuoted: false)
        case "python", "py":
            return Language(
                keywords: Set(
                    ("def class return if elif else for while in not and or is import from as with try except finally raise pass "
                        + "break continue lambda yield None True False async await global nonlocal del assert").split(separator: " ")
                        .map(String.init)), lineComment: "#", blockComments: false, singleQuotedStrings: true)
        case "javascript", "js", "typescript", "ts", "jsx", "tsx":
            return with(
                cLike,
                "function const let var if else return for while do in of new class extends import export from default switch case "
                    + "break continue throw try catch finally async await yield this null undefined true false typeof instanceof "
                    + "interface type enum implements")
        case "go", "golang":
            return with(
                cLike,
                "func package import var const type struct interface map chan go defer return if else for range switch case default "
                    + "break continue select nil true false fallthrough goto")
        case "rust", "rs":
            return with(
                cLike,
                "fn let mut if else match return struct enum impl trait pub use mod crate self Self super for in while loop break "
                    + "continue async await move ref where true false const static unsafe dyn as type", singleQuoted: false)
        case "c", "cpp", "c++", "h", "java", "kotlin", "cs", "csharp":
            return with(
                cLike,
                "int char void long short float double unsigned signed const static struct union enum typedef return if else for while "
                    + "do switch case default break continue sizeof class public private protected new delete this true false null "
                    + "nullptr namespace using template virtual override final import package extends implements fun val var")
        case "sh", "bash", "shell", "zsh", "console":
            return Language(
                keywords: Set(
                    "if then else elif fi for in do done while until case esac function return export local echo exit set".split(
                        separator: " "
                    ).map(String.init)), lineComment: "#", blockComments: false, singleQuotedStrings: true)
        case "json":
            return Language(keywords: ["true", "false", "null"], lineComment: nil, blockComments: false, singleQuotedStrings: false)
        default:
            return nil
        }
    }
}
