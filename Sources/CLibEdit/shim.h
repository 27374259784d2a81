// Thin wrappers around libedit: Swift cannot call its variadic el_set/history or touch the
// stdin/stdout globals, so every such use lives here as a static inline function.
#ifndef THREADLINE_CLIBEDIT_SHIM_H
#define THREADLINE_CLIBEDIT_SHIM_H

#include <histedit.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
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

// MARK: signals. The handlers only record a signal: a flag for the read loop below, a count of
// resizes for el_resize, and the signal's number as one byte in a pipe, which Swift reads
// (Terminal's `Interrupts`) and hands to whoever waits for signals.

static volatile sig_atomic_t tl_interrupted = 0;
static volatile sig_atomic_t tl_winch_generation = 0;
static int tl_signal_pipe[2] = {-1, -1};
static int tl_tty_saved = 0;

/// The terminal's modes before libedit changed them (a function's static: a global struct in a
/// header imported by Swift is left undefined at link time).
static inline struct termios *tl_saved_tty(void) {
    static struct termios saved;
    return &saved;
}

static inline void tl_on_signal(int signo) {
    int saved_errno = errno;
    if (signo == SIGINT) tl_interrupted = 1;
    if (signo == SIGWINCH) tl_winch_generation++;
    unsigned char byte = (unsigned char)signo;
    (void)write(tl_signal_pipe[1], &byte, 1);
    errno = saved_errno;
}

/// Remembers the terminal's modes (to restore at a signalled exit), then installs the handlers
/// for SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGWINCH, once. SIGINT comes without SA_RESTART, so
/// a blocked el_wgets returns with EINTR. Returns the pipe's read end, or -1 (no handlers then).
static inline int tl_install_signal_pipe(void) {
    if (tl_signal_pipe[0] >= 0) return tl_signal_pipe[0];
    int fds[2];
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    tl_signal_pipe[0] = fds[0];
    tl_signal_pipe[1] = fds[1];
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, tl_saved_tty()) == 0) tl_tty_saved = 1;
    const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = tl_on_signal;
        action.sa_flags = signals[i] == SIGINT ? 0 : SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(signals[i], &action, NULL);
    }
    return fds[0];
}

/// Columns of the terminal on stdout, or 0 when it is not a terminal.
static inline int tl_terminal_columns(void) {
    struct winsize size;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

/// Rows of the terminal on stdout, or 0 when it is not a terminal.
static inline int tl_terminal_rows(void) {
    struct winsize size;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_row;
}

// MARK: bracketed paste (the terminal wraps a paste in ESC[200~ … ESC[201~)

/// Turns bracketed paste on or off; a no-op unless stdout is a terminal.
static inline void tl_set_bracketed_paste(int on) {
    if (!isatty(STDOUT_FILENO)) return;
    const char *sequence = on ? "\033[?2004h" : "\033[?2004l";
    (void)write(STDOUT_FILENO, sequence, strlen(sequence));
}

static inline void tl_bracketed_paste_off(void) { tl_set_bracketed_paste(0); }

/// Enables bracketed paste for the session and makes sure it is off again at exit.
static inline void tl_enable_bracketed_paste(void) {
    static int registered = 0;
    if (!registered) {
        atexit(tl_bracketed_paste_off);
        registered = 1;
    }
    tl_set_bracketed_paste(1);
}

/// Bracketed paste off and the terminal's modes as they were before libedit changed them.
static inline void tl_restore_terminal(void) {
    tl_set_bracketed_paste(0);
    if (tl_tty_saved) tcsetattr(STDIN_FILENO, TCSADRAIN, tl_saved_tty());
}

/// Bound to ESC[200~: reads the pasted bytes up to ESC[201~ and inserts them as they are,
/// newlines included (CR and CRLF become LF), so a paste of several lines is one input.
static inline unsigned char tl_paste(EditLine *el, int ch) {
    (void)ch;
    static const char end[] = "\033[201~";
    size_t capacity = 4096, used = 0, matched = 0;
    int after_cr = 0;
    char *text = malloc(capacity);
    if (text == NULL) return CC_ERROR;
    for (;;) {
        char byte;
        ssize_t count = read(STDIN_FILENO, &byte, 1);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;
        if (byte == end[matched]) {
            if (++matched == sizeof end - 1) break;
            continue;
        }
        // A partial end marker was pasted text after all; an ESC may start the real one.
        size_t partial = matched;
        int restart = byte == end[0];
        for (size_t i = 0; i < partial + !restart; i++) {
            char next = i < partial ? end[i] : byte;
            if (next == '\n' && after_cr) {
                after_cr = 0;
                continue;
            }
            after_cr = next == '\r';
            if (used + 2 >= capacity) {
                char *grown = realloc(text, capacity * 2);
                if (grown == NULL) continue;
                text = grown;
                capacity *= 2;
            }
            text[used++] = after_cr ? '\n' : next;
        }
        matched = restart ? 1 : 0;
    }
    text[used] = '\0';
    el_insertstr(el, text);
    free(text);
    return CC_REFRESH;
}

// MARK: how a read ended: Enter, Ctrl-J/Alt-Enter (more lines follow), or Ctrl-X Ctrl-E (editor)

#define TL_END_SEND 0
#define TL_END_CONTINUE 1
#define TL_END_EDIT 2
static int tl_line_end = TL_END_SEND;

// Both end the read through an Enter pushed as input, so libedit's own ed-newline moves the
// cursor below the line exactly as Enter does.
static inline unsigned char tl_continue_line(EditLine *el, int ch) {
    (void)ch;
    tl_line_end = TL_END_CONTINUE;
    el_push(el, "\r");
    return CC_NORM;
}

static inline unsigned char tl_edit_line(EditLine *el, int ch) {
    (void)ch;
    tl_line_end = TL_END_EDIT;
    el_push(el, "\r");
    return CC_NORM;
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

// MARK: completion: slash commands at the start of the line, and the argument of one command

/// A list of completion words (copies).
struct tl_word_list {
    char **words;
    int count;
};

static inline struct tl_word_list *tl_commands(void) {
    static struct tl_word_list list;
    return &list;
}

/// The words after `tl_argument_command` (e.g. "/resume "): thread numbers and ids.
static inline struct tl_word_list *tl_arguments(void) {
    static struct tl_word_list list;
    return &list;
}

static char tl_argument_command[64] = "";

static inline void tl_set_words(struct tl_word_list *list, const char *const *words, int count) {
    for (int i = 0; i < list->count; i++) free(list->words[i]);
    free(list->words);
    list->words = calloc((size_t)(count > 0 ? count : 1), sizeof(char *));
    list->count = count;
    for (int i = 0; i < count; i++) list->words[i] = strdup(words[i]);
}

/// Replaces the slash command list.
static inline void tl_set_completions(const char *const *words, int count) { tl_set_words(tl_commands(), words, count); }

/// Replaces what completes after `command` (which ends with its space).
static inline void tl_set_argument_completions(const char *command, const char *const *words, int count) {
    strncpy(tl_argument_command, command, sizeof tl_argument_command - 1);
    tl_set_words(tl_arguments(), words, count);
}

/// Completes `typed` bytes at `start` from `list`: the longest common addition, a space after
/// a single match, else the candidates listed under the line in as many columns as fit the
/// window, filled row by row (the words are ASCII: bytes are columns).
static inline unsigned char tl_complete_from(EditLine *el, const struct tl_word_list *list, const char *start, size_t typed) {
    const char *match = NULL;
    size_t common = 0, widest = 0;
    int matches = 0;
    for (int i = 0; i < list->count; i++) {
        const char *word = list->words[i];
        if (strncmp(word, start, typed) != 0) continue;
        size_t length = strlen(word);
        if (length > widest) widest = length;
        if (matches == 0) {
            match = word;
            common = length;
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
    int window = tl_terminal_columns();
    size_t columns = window > 0 ? ((size_t)window + 2) / (widest + 2) : 1;
    if (columns < 1) columns = 1;
    FILE *out = stdout;
    size_t placed = 0;
    for (int i = 0; i < list->count; i++) {
        const char *word = list->words[i];
        if (strncmp(word, start, typed) != 0) continue;
        int last_in_row = (placed + 1) % columns == 0 || placed + 1 == (size_t)matches;
        fputs(placed % columns == 0 ? "\n" : "  ", out);
        // Padded to the column, except at the end of a row: no trailing blanks.
        fprintf(out, "%-*s", last_in_row ? 0 : (int)widest, word);
        placed++;
    }
    fputc('\n', out);
    return CC_REDISPLAY;
}

static inline unsigned char tl_complete(EditLine *el, int ch) {
    (void)ch;
    const LineInfo *info = el_line(el);
    size_t typed = (size_t)(info->cursor - info->buffer);
    if (typed == 0 || info->buffer[0] != '/') return CC_REFRESH_BEEP;
    const char *space = memchr(info->buffer, ' ', typed);
    if (space == NULL) return tl_complete_from(el, tl_commands(), info->buffer, typed);
    size_t command = strlen(tl_argument_command);
    if (command == 0 || typed < command || strncmp(info->buffer, tl_argument_command, command) != 0
        || memchr(info->buffer + command, ' ', typed - command) != NULL) {
        return CC_REFRESH_BEEP;
    }
    return tl_complete_from(el, tl_arguments(), info->buffer + command, typed - command);
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

// MARK: type-ahead: keys typed while a reply streams are neither echoed into it nor sent

static int tl_typeahead_holding = 0;
static char *tl_typeahead_bytes = NULL;
static size_t tl_typeahead_used = 0;
static size_t tl_typeahead_capacity = 0;

/// The terminal's modes before the hold, to restore when it ends.
static inline struct termios *tl_typeahead_saved(void) {
    static struct termios saved;
    return &saved;
}

/// Moves the bytes waiting on stdin (readable at once while held: VMIN and VTIME are 0) into
/// the type-ahead buffer.
static inline void tl_typeahead_drain(void) {
    char chunk[1024];
    for (;;) {
        ssize_t count = read(STDIN_FILENO, chunk, sizeof chunk);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) return;
        if (tl_typeahead_used + (size_t)count > tl_typeahead_capacity) {
            size_t capacity = (tl_typeahead_used + (size_t)count) * 2;
            char *grown = realloc(tl_typeahead_bytes, capacity);
            if (grown == NULL) return;
            tl_typeahead_bytes = grown;
            tl_typeahead_capacity = capacity;
        }
        memcpy(tl_typeahead_bytes + tl_typeahead_used, chunk, (size_t)count);
        tl_typeahead_used += (size_t)count;
    }
}

/// Turns echo and line editing off on a terminal stdin, so keys typed now wait unseen; Ctrl-C
/// still raises SIGINT, without discarding them (NOFLSH). A no-op when stdin is no terminal.
static inline void tl_typeahead_hold(void) {
    if (tl_typeahead_holding || !isatty(STDIN_FILENO)) return;
    struct termios *saved = tl_typeahead_saved();
    if (tcgetattr(STDIN_FILENO, saved) != 0) return;
    struct termios quiet = *saved;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
    quiet.c_lflag |= ISIG | NOFLSH;
    quiet.c_cc[VMIN] = 0;
    quiet.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0) tl_typeahead_holding = 1;
}

/// Ends a hold: the modes as they were; with `drain`, the waiting keys first move to the buffer
/// (without, they stay for whoever reads the terminal next, as a shell's type-ahead does).
static inline void tl_typeahead_end_hold(int drain) {
    if (!tl_typeahead_holding) return;
    if (drain) tl_typeahead_drain();
    tcsetattr(STDIN_FILENO, TCSANOW, tl_typeahead_saved());
    tl_typeahead_holding = 0;
}

/// Ends a hold and hands over every key typed during it: malloc'd bytes (caller frees), their
/// count in *count; NULL when none.
static inline char *tl_typeahead_release(int drain, size_t *count) {
    tl_typeahead_end_hold(drain);
    char *bytes = tl_typeahead_bytes;
    *count = tl_typeahead_used;
    tl_typeahead_bytes = NULL;
    tl_typeahead_used = 0;
    tl_typeahead_capacity = 0;
    return bytes;
}

// MARK: prefill: the next read starts with this text in the line, ready to send or edit

static char *tl_prefill_text = NULL;
/// A key sequence nobody types, pushed as input so that libedit itself inserts the prefill.
static const char tl_prefill_key[] = "\033[299~";

static inline void tl_set_prefill(const char *text) {
    free(tl_prefill_text);
    tl_prefill_text = text != NULL && text[0] != '\0' ? strdup(text) : NULL;
}

static inline unsigned char tl_insert_prefill(EditLine *el, int ch) {
    (void)ch;
    if (tl_prefill_text == NULL) return CC_NORM;
    el_insertstr(el, tl_prefill_text);
    free(tl_prefill_text);
    tl_prefill_text = NULL;
    return CC_REFRESH;
}

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
    el_set(el, EL_ADDFN, "tl-paste", "Insert a bracketed paste as one input", tl_paste);
    el_set(el, EL_BIND, "\033[200~", "tl-paste", NULL);
    el_set(el, EL_ADDFN, "tl-continue", "End the line; the input goes on", tl_continue_line);
    el_set(el, EL_BIND, "^J", "tl-continue", NULL);
    el_set(el, EL_BIND, "\033^M", "tl-continue", NULL);
    el_set(el, EL_ADDFN, "tl-edit", "Edit the input in $VISUAL/$EDITOR", tl_edit_line);
    el_set(el, EL_BIND, "^X^E", "tl-edit", NULL);
    el_set(el, EL_ADDFN, "tl-prefill", "Insert the text typed while the last reply streamed", tl_insert_prefill);
    el_set(el, EL_BIND, tl_prefill_key, "tl-prefill", NULL);
    el_set(el, EL_GETCFN, tl_read_char);
    // SIGINT would hit any thread, not the one blocked in read(): take ^C as a byte instead.
    el_set(el, EL_SETTY, "-d", "-isig", NULL);
    // Enter must arrive as CR and Ctrl-J as LF, so that they can do different things.
    el_set(el, EL_SETTY, "-d", "-icrnl", "-inlcr", NULL);
    el_source(el, NULL);
    return el;
}

/// Whether the line as shown after the prompt ended exactly at the window's right edge: libedit
/// then put the cursor on a fresh row already, and the Enter after it would leave that row empty.
static inline int tl_line_fills_last_row(const wchar_t *line, int count) {
    int window = tl_terminal_columns();
    if (window <= 0 || count <= 0) return 0;
    int column = 0, visible = 1;
    for (const char *p = tl_prompt_text; *p != '\0'; p++) {
        if (*p == '\1') {
            visible = !visible;
        } else if (visible && (*p & 0xC0) != 0x80) {
            column++;
        }
    }
    while (count > 0 && (line[count - 1] == L'\n' || line[count - 1] == L'\r')) count--;
    if (count == 0) return 0;
    for (int i = 0; i < count; i++) {
        if (line[i] == L'\n') {
            column = 0;
            continue;
        }
        int width = wcwidth(line[i]);
        if (width < 0) width = 0;
        // A character that does not fit the row starts the next one.
        column = column + width > window ? width : column + width;
    }
    return column == window;
}

/// Reads one line with the wide API and returns it as malloc'd UTF-8 without the trailing
/// newline, or NULL at end of input. *interrupted is set when Ctrl-C ended the read; *ending
/// says which key ended it (TL_END_*).
static inline char *tl_editor_read_line(EditLine *el, int *interrupted, int *ending) {
    static int seen_winch = 0;
    int count = 0;
    *interrupted = 0;
    errno = 0;
    tl_interrupted = 0;
    tl_line_end = TL_END_SEND;
    if (seen_winch != tl_winch_generation) {
        seen_winch = tl_winch_generation;
        el_resize(el);
    }
    // A read during a reply (a tool's approval) gets the terminal as usual; what was typed
    // before it stays for the next prompt, and the hold resumes after it.
    int held = tl_typeahead_holding;
    tl_typeahead_end_hold(1);
    if (tl_prefill_text != NULL) el_push(el, tl_prefill_key);
    const wchar_t *line = el_wgets(el, &count);
    if (held) tl_typeahead_hold();
    *ending = tl_line_end;
    if (tl_interrupted) {
        tl_interrupted = 0;
        *interrupted = 1;
        return NULL;
    }
    if (line == NULL) return NULL;
    // Back onto the row libedit left empty, so the next output does not follow a blank line.
    if (isatty(STDOUT_FILENO) && tl_line_fills_last_row(line, count)) (void)write(STDOUT_FILENO, "\033[A", 3);
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
