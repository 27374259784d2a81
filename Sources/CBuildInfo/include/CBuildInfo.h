#ifndef THREADLINE_CBUILDINFO_H
#define THREADLINE_CBUILDINFO_H

/// The git revision this binary was built from (`git describe --always --dirty`), or "unknown".
const char *threadline_build_revision(void);

#endif
