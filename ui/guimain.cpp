#include "guimain.h"

int runWindow(int &, char **, const CommandLineOptions &, bool) { return 0; }
