// The revision is not in git: `make` writes it to .build/threadline-revision.h (only when it
// changes, so an unchanged revision rebuilds nothing), and clang's dependency file makes SwiftPM
// recompile this one file and relink when it does. A plain `swift build` (no make, no git) still
// builds: the header is simply absent. Swift strings cannot come from `-D`, and `-Xcc -D...`
// would change the flags of every target and rebuild them all.
#include "CBuildInfo.h"

#if __has_include("../../.build/threadline-revision.h")
#include "../../.build/threadline-revision.h"
#endif

#ifndef THREADLINE_REVISION
#define THREADLINE_REVISION "unknown"
#endif

const char *threadline_build_revision(void) { return THREADLINE_REVISION; }
