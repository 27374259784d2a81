// libFuzzer's documented entry for programs that keep their own `main` (SwiftPM links every
// executable with a Swift `main`, so libFuzzer's `main` is never the one used).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
