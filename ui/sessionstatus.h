#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include "session.h"

class QLabel;
class QStatusBar;

// The session in the status bar: state, remote address, bytes in and out,
// and the time connected (ticking once a second while connected). Errors
// are shown as a clear message that stays until the next one, e.g.
// "Connection refused by 127.0.0.1:1234".
class SessionStatus : public QObject
{
    Q_OBJECT
public:
    SessionStatus(Session *session, QStatusBar *statusBar, QObject *parent = nullptr);

    // The message for a failed session, naming what failed.
    static QString errorText(const Session &session, Session::Error error, const QString &detail);
    // "00:01:05"
    static QString formatElapsed(qint64 ms);

    QLabel *stateLabel() const { return m_state; }
    QLabel *remoteLabel() const { return m_remote; }
    QLabel *bytesLabel() const { return m_bytes; }
    QLabel *elapsedLabel() const { return m_elapsed; }

private:
    void onStateChanged(Session::State state);
    void onError(Session::Error error, const QString &message);
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
