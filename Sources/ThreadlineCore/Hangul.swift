extension Unicode.Scalar {
    /// A precomposed Hangul syllable (가 … 힣).
    public var isHangulSyllable: Bool { (0xAC00...0xD7A3).contains(value) }

    /// A Hangul syllable or a conjoining jamo (U+1100 … U+11FF).
    public var isHangul: Bool { isHangulSyllable || (0x1100...0x11FF).contains(value) }
}

extension StringProtocol {
    /// True when the text holds any Hangul syllable (Korean text, as opposed to romanized).
    public var containsHangulSyllable: Bool { unicodeScalars.contains { $0.isHangulSyllable } }
}
