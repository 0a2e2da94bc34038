#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include "session.h"

class QLabel;
class QStatusBar;

// The status bar: the session's state, remote address, bytes out and in,
// and the time connected (ticking once a second while connected), and the
// window's messages.
//
// Errors are shown as the Session words them (errorString(), the same text
// the transcript records), and stay until the next message.
//
// For assistive technology, each value label's accessible name carries its
// value ("State: Connected", "Remote: [::1]:80", "Sent: 60 bytes, received:
// 5 bytes", "Connection time: 00:01:05") and the status bar's accessible
// name carries the message shown ("Status: Connection refused by ...");
// showError() also sends a QAccessible::Alert event for the status bar.
class SessionStatus : public QObject
{
    Q_OBJECT
public:
    SessionStatus(Session *session, QStatusBar *statusBar, QObject *parent = nullptr);

    // "00:01:05"
    static QString formatElapsed(qint64 ms);
    // A byte count in binary units, named as such: "512 bytes", "1.5 KiB",
    // "50.0 MiB" (QLocale::DataSizeIecFormat, in the default locale).
    static QString formatBytes(qint64 bytes);

    // Shows `text` until the next message and announces it as an alert.
    void showError(const QString &text);

    QLabel *stateLabel() const { return m_state; }
    QLabel *remoteLabel() const { return m_remote; }
    QLabel *bytesLabel() const { return m_bytes; }
    QLabel *elapsedLabel() const { return m_elapsed; }

private:
    void onStateChanged(Session::State state);
    void onFinished(Session::EndReason reason);
    void updateBytes();
    void updateElapsed();
    void updateRemote();

    Session *m_session;
    QStatusBar *m_statusBar;
    QLabel *m_state;
    QLabel *m_remote;
    QLabel *m_bytes;
    QLabel *m_elapsed;
    QTimer m_tick;
    QTimer m_bytesThrottle;
    QElapsedTimer m_connectedFor;
    qint64 m_elapsedMs = 0;
};
