#pragma once

#include <optional>

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include "commandline.h"
#include "exitcodes.h"
#include "session.h"

class QSocketNotifier;

// Runs one exchange without a window: connects, sends what the options say
// in order, writes received bytes to the output fd byte-exact and
// diagnostics to the error fd (one line each), saves the transcript if
// asked, then emits finished() with the exit code.
class HeadlessRunner : public QObject
{
    Q_OBJECT
public:
    explicit HeadlessRunner(const CommandLineOptions &options, QObject *parent = nullptr);
    ~HeadlessRunner() override;

    // File descriptors, for tests; default 0, 1, 2.
    void setFileDescriptors(int in, int out, int err);
    // Catch SIGINT/SIGTERM: save and exit with 130. Only one runner per process.
    void installSignalHandlers();
    // Instead of the received bytes, print the whole exchange as a text
    // transcript when the run ends (used by the headless demo).
    void setPrintTranscript(bool print);

    // Queues bytes to send once connected, before the options' sends.
    void addRequest(const QByteArray &bytes);

    // Starts the run. finished() is always emitted exactly once, asynchronously.
    void start();
    Session *session() { return &m_session; }

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onStateChanged(Session::State state);
    void onReceived(const QByteArray &bytes);
    void onSessionFinished(Session::EndReason reason);
    void onStdinReadable();
    void onInterrupted();
    void sendQueued();
    void diagnostic(const QString &line);
    // Ends the run early with `code`, closing the session first.
    void stopWith(ExitCode code);
    void end(ExitCode code);

    CommandLineOptions m_options;
    Session m_session;
    QList<QByteArray> m_pending; // encoded sends, in command-line order
    int m_in = 0, m_out = 1, m_err = 2;
    bool m_outputClosed = false;
    bool m_ended = false;
    std::optional<ExitCode> m_stopCode;
    bool m_printTranscript = false;
    QTimer m_overallTimer;
    QSocketNotifier *m_stdinNotifier = nullptr;
    QSocketNotifier *m_signalNotifier = nullptr;
};

// The exit code the command line gives for a session that failed with `error`
// (Success for Error::None). Shared by headless runs and --quit-on-close.
ExitCode exitCodeForError(Session::Error error);

// The two headless entry points of the executable. Each creates the
// QCoreApplication and returns the process exit code.
int runHeadless(int &argc, char **argv, const CommandLineOptions &options);
// `--demo` without a display: an exchange with the in-process demo server,
// printed as a text transcript.
int runHeadlessDemo(int &argc, char **argv);
