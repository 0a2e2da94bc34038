#pragma once

#include <QObject>

#include "commandline.h"
#include "session.h"

class MainWindow;

// What the command line asks of the window: its connection options
// (--tls, --proxy, --udp...: they replace the window's, see
// MainWindow::setConnectionOptions; with --quit-on-close a rejected
// certificate is reported, never asked about), and for the first
// connection it makes: --connect (connect at start), --send (each item sent
// in order once connected (once: not again when a STARTTLS upgrade
// reaches Connected a second time), the same bytes as in headless mode: TEXT with
// escapes, FILE raw), --save FILE (written in options.saveFormat when that
// connection ends, in the background) and --quit-on-close (then
// quitRequested(exit code) once that save is done, without any dialog).
//
// Exit codes are those of the headless mode: 0 closed by the peer, the
// user or the idle timeout; 3 host not found; 4 refused or unreachable;
// 5 connect timeout; 6 reset by peer; 1 any other socket error; 7 when the
// --save failed after an otherwise successful session (a network failure
// stays the primary cause) or a --send FILE cannot be read; 2 for an
// invalid --send TEXT, or --connect without a host to connect to. Send
// items are checked in start(), before anything is connected; a connect
// the window refuses ends the automation at once (with --quit-on-close, the
// program quits rather than waiting for a connection that never comes).
class StartupAutomation : public QObject
{
    Q_OBJECT
public:
    // Drives `window` (connect through it, messages in its status bar,
    // closes it without questions on quitRequested).
    StartupAutomation(MainWindow *window, const CommandLineOptions &options, QObject *parent = nullptr);

    // Checks the --send items, then, if --connect was given, connects
    // through the window from the event loop.
    void start();

    static int exitCodeFor(const Session &session);
    // The exit status so far: set once the automated session ended.
    int exitCode() const { return m_exitCode; }
    bool isDone() const { return m_done; }

Q_SIGNALS:
    void quitRequested(int exitCode);

private:
    void connectAtStart();
    // In the window's status bar, after a message already shown (e.g.
    // "Connection refused by ..."); an error is announced as one.
    void report(const QString &text, bool isError);
    void onTranscriptStarted();
    void onConnected();
    void onFinished();
    void saveTranscript();
    void saveFailed(const QString &message);
    void finish();
    void fail(const QString &text, int exitCode);

    MainWindow *m_window;
    Session *m_session;
    CommandLineOptions m_options;
    QList<QByteArray> m_pending; // encoded --send items, in order
    bool m_armed = true;     // the next connection is the automated one
    bool m_watching = false; // the automated connection is running
    bool m_sent = false;     // its --send items went out (on its first Connected)
    bool m_done = false;
    int m_exitCode = 0;
};
