#pragma once

#include <memory>

#include <QObject>

class QLabel;
class QStatusBar;
class Session;
class Transcript;

// A status bar field, hidden while recording works, that says "Not
// recording" once the transcript of the connection shown stops recording
// (a full disk...); its tooltip and accessible description give the reason.
// stopped() carries a message for the status bar.
class RecordingStatus : public QObject
{
    Q_OBJECT
public:
    RecordingStatus(Session *session, QStatusBar *statusBar, QObject *parent = nullptr);

    QLabel *label() const { return m_label; }

Q_SIGNALS:
    void stopped(const QString &message);

private:
    void setTranscript(const std::shared_ptr<Transcript> &transcript);
    void show(const QString &reason);

    QLabel *m_label;
    QMetaObject::Connection m_connection;
};
