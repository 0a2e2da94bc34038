#pragma once

#include <memory>
#include <optional>

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include "commandline.h"
#include "exitcodes.h"
#include "session.h"

class QSaveFile;
class QSocketNotifier;

// Runs one exchange without a window: connects, sends what the options say
// in order, writes received bytes to standard output byte-exact and
// diagnostics to standard error (one line each), saves the transcript if
// asked, then emits finished() with the exit code.
//
// Received bytes are never held: they go to standard output as they come.
// The transcript keeps data only when the run prints or saves it, and
// `--save` in raw format streams the received bytes into the file instead.
//
// Standard output is written with blocking writes; a reader that stops
// reading stalls the run, but Ctrl+C and --timeout still end it (the write
// is interrupted and the remaining output dropped).
class HeadlessRunner : public QObject
{
    Q_OBJECT
public:
    explicit HeadlessRunner(const CommandLineOptions &options, QObject *parent = nullptr);
    ~HeadlessRunner() override;

    // Catch SIGINT/SIGTERM (save, then exit 130) and arm SIGALRM for
    // --timeout. Only one runner per process may install them.
    void installSignalHandlers();
    // Instead of the received bytes, print the whole exchange as a text
    // transcript when the run ends (used by the headless demo).
    void setPrintTranscript(bool print);
    // Queues bytes to send once connected, before the options' sends.
    void addRequest(const QByteArray &bytes);

    // Starts the run. finished() is always emitted exactly once, asynchronously.
    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onStateChanged(Session::State state);
    void onReceived(const QByteArray &bytes);
    void onSessionFinished(Session::EndReason reason);
    void onStdinReadable();
    void onBytesWritten();
    void onSignal();
    void sendQueued();
    // TLS files and the key's passphrase, before any traffic (headlesstls.cpp).
    // false after a diagnostic: the run ends with *code.
    bool prepareTls(ExitCode *code);
    // The reasons of a rejected certificate, one line each, and how to trust it.
    void explainRejection();
    // Sends, or reports why not (and ends a UDP run); false if not sent.
    bool sendOrStop(const QByteArray &bytes);
    void diagnostic(const QString &line);
    // Ends the run early with `code`, closing the session first; `why` goes
    // into the transcript.
    void stopWith(ExitCode code, const QString &why);
    void end(ExitCode code);
    // Decides, before connecting, where data goes: the transcript, the raw
    // save file, or nowhere but standard output.
    void prepareRecording();

    CommandLineOptions m_options;
    Session m_session;
    QList<QByteArray> m_pending; // encoded sends, in command-line order
    bool m_outputDone = false;   // reader gone, output failed or abandoned
    bool m_stdinDone = false;
    bool m_ended = false;
    std::optional<ExitCode> m_stopCode;
    bool m_printTranscript = false;
    std::unique_ptr<QSaveFile> m_rawSave; // --save in raw format, written as bytes arrive
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
