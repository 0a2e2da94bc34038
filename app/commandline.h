#pragma once

#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "connectionoptions.h"
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
    // --tls, --udp, --proxy, --bind, -4/-6, --half-close...: for the headless
    // session, or to fill in the window's settings.
    ConnectionOptions connection;
    bool connectionGiven = false; // any of those options was on the command line

    // Action::Error: one line, no program name, no trailing newline, e.g.
    // `PORT must be a whole number from 1 to 65535, not "http"`.
    QString errorMessage;
    QString helpText;    // Action::Help: ends with a newline; print as is
    QString versionText; // Action::Version: ends with a newline; print as is
};

// Parses arguments (arguments[0] is the program, whose name is not used:
// the texts always say "socketeer"). Needs no QCoreApplication. HOST is kept
// exactly as given (IPv6 with or without brackets). Each option applies to
// one mode: --send-file, --stdin, --connect-timeout, --idle and --timeout
// need --headless; --connect and --quit-on-close are for the window (and
// --demo, where --connect needs no HOST PORT). Using one in the wrong mode
// is a usage error. Connection options (--tls, --udp, --proxy...) work
// headless and with the window, except --insecure (headless only); none
// applies to --demo. A repeated option keeps its last value, except --send
// and --send-file, which accumulate in `sends` in command-line order.
// Escapes in --send TEXT are checked here: a bad one is a usage error.
CommandLineOptions parseCommandLine(const QStringList &arguments);

// The bytes of each send, in order: TEXT with its escapes applied (typed
// newlines kept as they are), FILE read whole (it must be a regular file).
// Returns nullopt with errorMessage naming the file and the reason when a
// file cannot be read: a file error (exit code 7).
std::optional<QList<QByteArray>> loadSends(const QList<CommandLineOptions::SendItem> &sends, QString *errorMessage);
