// Thin wrappers around libedit: Swift cannot call its variadic el_set/history or touch the
// stdin/stdout globals, so every such use lives here as a static inline function.
#ifndef THREADLINE_CLIBEDIT_SHIM_H
#define THREADLINE_CLIBEDIT_SHIM_H

#include <histedit.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

/// Selects the user's locale; when its character set is not UTF-8 (LANG unset, "C"), falls back
/// to C.UTF-8, because libedit silently drops multi-byte input such as Hangul otherwise.
/// Returns 1 when the resulting LC_CTYPE is UTF-8.
static inline int tl_setup_utf8_locale(void) {
    setlocale(LC_ALL, "");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0)) {
        return 1;
    }
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL && setlocale(LC_CTYPE, "C.utf8") == NULL) {
        return 0;
    }
    codeset = nl_langinfo(CODESET);
    return codeset != NULL && strcmp(codeset, "UTF-8") == 0;
}

static inline int tl_stdin_is_tty(void) { return isatty(STDIN_FILENO); }
static inline int tl_stdout_is_tty(void) { return isatty(STDOUT_FILENO); }
static inline int tl_stderr_is_tty(void) { return isatty(STDERR_FILENO); }

// MARK: SIGINT as a flag, so neither the prompt nor a streaming reply is killed by Ctrl-C.

static volatile sig_atomic_t tl_interrupted = 0;

static inline void tl_on_sigint(int signo) {
    (void)signo;
    tl_interrupted = 1;
}

/// Installs a SIGINT handler without SA_RESTART: a blocked el_wgets returns with EINTR.
static inline void tl_install_sigint_flag(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = tl_on_sigint;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
}

/// Returns 1 once per Ctrl-C received since the last call.
static inline int tl_take_interrupt(void) {
    if (tl_interrupted) {
        tl_interrupted = 0;
        return 1;
    }
    return 0;
}

// MARK: prompt

static char tl_prompt_text[512] = "> ";

static inline char *tl_prompt_fn(EditLine *el) {
    (void)el;
    return tl_prompt_text;
}

/// Sets the prompt; bytes between two \1 markers are escape sequences of zero width.
static inline void tl_set_prompt(const char *text) {
    strncpy(tl_prompt_text, text, sizeof tl_prompt_text - 1);
    tl_prompt_text[sizeof tl_prompt_text - 1] = '\0';
}

// MARK: completion of words that start the line (slash commands)

static char **tl_completion_words = NULL;
static int tl_completion_count = 0;

/// Replaces the completion word list (copied).
static inline void tl_set_completions(const char *const *words, int count) {
    for (int i = 0; i < tl_completion_count; i++) free(tl_completion_words[i]);
    free(tl_completion_words);
    tl_completion_words = calloc((size_t)(count > 0 ? count : 1), sizeof(char *));
    tl_completion_count = count;
    for (int i = 0; i < count; i++) tl_completion_words[i] = strdup(words[i]);
}

static inline unsigned char tl_complete(EditLine *el, int ch) {
    (void)ch;
    const LineInfo *info = el_line(el);
    size_t typed = (size_t)(info->cursor - info->buffer);
    if (typed == 0 || info->buffer[0] != '/' || memchr(info->buffer, ' ', typed) != NULL) {
        return CC_REFRESH_BEEP;
    }
    const char *match = NULL;
    size_t common = 0;
    int matches = 0;
    for (int i = 0; i < tl_completion_count; i++) {
        const char *word = tl_completion_words[i];
        if (strncmp(word, info->buffer, typed) != 0) continue;
        if (matches == 0) {
            match = word;
            common = strlen(word);
        } else {
            size_t k = 0;
            while (k < common && word[k] == match[k]) k++;
            common = k;
        }
        matches++;
    }
    if (matches == 0) return CC_REFRESH_BEEP;
    if (common > typed) {
        char insert[256];
        size_t n = common - typed;
        if (n >= sizeof insert) n = sizeof insert - 1;
        memcpy(insert, match + typed, n);
        insert[n] = '\0';
        el_insertstr(el, insert);
    }
    if (matches == 1) {
        el_insertstr(el, " ");
        return CC_REFRESH;
    }
    if (common > typed) return CC_REFRESH;
    // Several candidates and nothing more to add: list them under the line.
    FILE *out = stdout;
    fputc('\n', out);
    for (int i = 0; i < tl_completion_count; i++) {
        if (strncmp(tl_completion_words[i], info->buffer, typed) == 0) {
            fprintf(out, "%s  ", tl_completion_words[i]);
        }
    }
    fputc('\n', out);
    return CC_REDISPLAY;
}

// MARK: history (in memory; the file is read and written by Swift, one entry per record)

static inline History *tl_history_open(int size) {
    HistEvent event;
    History *list = history_init();
    if (list == NULL) return NULL;
    history(list, &event, H_SETSIZE, size);
    history(list, &event, H_SETUNIQUE, 1);
    return list;
}

static inline void tl_history_add(History *list, const char *entry) {
    HistEvent event;
    history(list, &event, H_ENTER, entry);
}

static inline void tl_history_close(History *list) { history_end(list); }

// MARK: reading keys

/// Reads one character from the terminal, UTF-8 decoded. Ctrl-C (a ^C byte while libedit has
/// ISIG off, or SIGINT otherwise) abandons the line like a shell: "^C" is shown, the read ends
/// as if Enter was pressed, and the flag tells tl_editor_read_line to report an interruption.
static inline int tl_read_char(EditLine *el, wchar_t *out) {
    (void)el;
    mbstate_t state;
    memset(&state, 0, sizeof state);
    for (;;) {
        char byte;
        ssize_t count = read(STDIN_FILENO, &byte, 1);
        if (count < 0) {
            if (errno == EINTR) {
                if (tl_interrupted) break;
                continue;
            }
            return -1;
        }
        if (count == 0) return 0;
        if (byte == 3) break;
        size_t used = mbrtowc(out, &byte, 1, &state);
        if (used == (size_t)-2) continue;
        if (used == (size_t)-1) {
            memset(&state, 0, sizeof state);
            continue;
        }
        return 1;
    }
    tl_interrupted = 1;
    (void)write(STDOUT_FILENO, "^C", 2);
    *out = L'\n';
    return 1;
}

// MARK: editor life cycle

/// Creates an emacs-mode editor on the terminal with history, Ctrl-R search and Tab completion.
static inline EditLine *tl_editor_open(const char *program, History *list) {
    EditLine *el = el_init(program, stdin, stdout, stderr);
    if (el == NULL) return NULL;
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_SIGNAL, 0);
    el_set(el, EL_PROMPT_ESC, tl_prompt_fn, '\1');
    el_set(el, EL_HIST, history, list);
    el_set(el, EL_BIND, "^R", "em-inc-search-prev", NULL);
    el_set(el, EL_ADDFN, "tl-complete", "Complete slash commands", tl_complete);
    el_set(el, EL_BIND, "^I", "tl-complete", NULL);
    el_set(el, EL_GETCFN, tl_read_char);
    // SIGINT would hit any thread, not the one blocked in read(): take ^C as a byte instead.
    el_set(el, EL_SETTY, "-d", "-isig", NULL);
    el_source(el, NULL);
    return el;
}

/// Reads one line with the wide API and returns it as malloc'd UTF-8 without the trailing
/// newline, or NULL at end of input. *interrupted is set when Ctrl-C ended the read.
static inline char *tl_editor_read_line(EditLine *el, int *interrupted) {
    int count = 0;
    *interrupted = 0;
    errno = 0;
    tl_interrupted = 0;
    const wchar_t *line = el_wgets(el, &count);
    if (tl_take_interrupt()) {
        *interrupted = 1;
        return NULL;
    }
    if (line == NULL) return NULL;
    size_t capacity = (size_t)count * MB_CUR_MAX + 1;
    char *utf8 = malloc(capacity);
    if (utf8 == NULL) return NULL;
    mbstate_t state;
    memset(&state, 0, sizeof state);
    size_t used = 0;
    for (int i = 0; i < count; i++) {
        size_t n = wcrtomb(utf8 + used, line[i], &state);
        if (n == (size_t)-1) continue;
        used += n;
    }
    while (used > 0 && (utf8[used - 1] == '\n' || utf8[used - 1] == '\r')) used--;
    utf8[used] = '\0';
    return utf8;
}

static inline void tl_editor_close(EditLine *el) { el_end(el); }

#endif
