#pragma once

#include "commandline.h"

// Runs the window: creates the QApplication, the main window (filled in from
// the options: HOST PORT, --connect, --send, --save, --quit-on-close) and the
// event loop. With `demo`, an in-process DemoServer is started first and the
// window points at it with the HTTP preset ready. Returns the exit status:
// 0 normally; with --quit-on-close, the headless exit code of the session.
int runWindow(int &argc, char **argv, const CommandLineOptions &options, bool demo);
