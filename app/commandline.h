#pragma once

#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "transcriptio.h"

// The parsed command line. Public interface: flags are documented in
// --help, the man page and the README; keep them stable.
struct CommandLineOptions {
    enum class Action {
        Window,   // open the window (the default)
        Headless, // --headless HOST PORT
        Demo,     // --demo
        Help,     // --help: print helpText, exit 0
        Version,  // --version: print versionText, exit 0
        Error,    // usage error: print errorMessage, exit 2
    };
    struct SendItem {
        bool isFile = false;
        QString value; // TEXT (escapes applied when sending) or FILE path
    };

    Action action = Action::Window;
    QString host;      // may be empty in Window mode
    quint16 port = 0;  // 0 when not given
    QList<SendItem> sends;
    bool forwardStdin = false;
    int connectTimeoutMs = 10000;
    int idleMs = 0;    // 0 = no idle limit
    int timeoutMs = 0; // 0 = no overall limit
    QString savePath;
    std::optional<TranscriptIO::Format> saveFormat; // resolved from --format or the extension
    bool connectAtStart = false;
    bool quitOnClose = false;

    QString errorMessage; // Action::Error
    QString helpText;     // Action::Help
    QString versionText;  // Action::Version
};

// Parses arguments (arguments[0] is the program). Needs no QCoreApplication.
CommandLineOptions parseCommandLine(const QStringList &arguments);
