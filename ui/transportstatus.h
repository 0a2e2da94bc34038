#pragma once

#include <QObject>

#include "session.h"

class QLabel;
class QStatusBar;

// Two status bar fields for the connection shown: its security ("TLS 1.3",
// "TLS handshake", "Plain TCP", "UDP", "Certificate rejected") and the proxy
// it goes through ("via SOCKS5 127.0.0.1:1080"; hidden when direct). Each
// label's accessible name carries its value ("Security: TLS 1.3").
class TransportStatus : public QObject
{
    Q_OBJECT
public:
    TransportStatus(Session *session, QStatusBar *statusBar, QObject *parent = nullptr);

    QLabel *securityLabel() const { return m_security; }
    QLabel *proxyLabel() const { return m_proxy; }

    static QString proxyText(const ProxySettings &proxy); // empty when direct

private:
    void onTranscriptStarted();
    void onStateChanged(Session::State state);
    void setSecurity(const QString &text);

    Session *m_session;
    QLabel *m_security;
    QLabel *m_proxy;
    ConnectionOptions m_options; // of the connection shown
    bool m_rejected = false;
};
