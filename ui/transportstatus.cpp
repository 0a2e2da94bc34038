#include "transportstatus.h"

#include <QFrame>
#include <QLabel>
#include <QStatusBar>

#include "announce.h"
#include "statusfield.h"

TransportStatus::TransportStatus(Session *session, QStatusBar *statusBar, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    m_security = addStatusField(statusBar, QStringLiteral("statusSecurity"),
                                tr("Transport and encryption of the connection"));
    m_proxy = addStatusField(statusBar, QStringLiteral("statusProxy"), tr("The proxy the connection goes through"));
    m_proxy->hide();
    statusBar->findChild<QFrame *>(QStringLiteral("statusProxySeparator"))->hide();
    setSecurity(tr("Not connected"));

    connect(session, &Session::transcriptStarted, this, &TransportStatus::onTranscriptStarted);
    connect(session, &Session::stateChanged, this, &TransportStatus::onStateChanged);
    connect(session, &Session::encrypted, this, [this](const TlsDetails &details) { setSecurity(details.protocol); });
    connect(session, &Session::certificateRejected, this, [this] {
        m_rejected = true;
        setSecurity(tr("Certificate rejected"));
    });
}

QString TransportStatus::proxyText(const ProxySettings &proxy)
{
    switch (proxy.type) {
    case ProxySettings::Type::None:
        break;
    case ProxySettings::Type::System:
        return tr("via system proxy");
    case ProxySettings::Type::Socks5:
        return tr("via SOCKS5 %1").arg(Session::formatEndpoint(proxy.host, proxy.port));
    case ProxySettings::Type::Http:
        return tr("via HTTP proxy %1").arg(Session::formatEndpoint(proxy.host, proxy.port));
    }
    return QString();
}

void TransportStatus::setSecurity(const QString &text)
{
    m_security->setText(text);
    Announce::setName(m_security, tr("Security: %1").arg(text));
}

void TransportStatus::onTranscriptStarted()
{
    m_options = m_session->options(); // copied by this connectToHost()
    m_rejected = false;
    const QString proxy = m_options.transport == ConnectionOptions::Transport::Tcp ? proxyText(m_options.proxy)
                                                                                 : QString();
    m_proxy->setText(proxy);
    Announce::setName(m_proxy, tr("Proxy: %1").arg(proxy));
    m_proxy->setVisible(!proxy.isEmpty());
    if (auto *line = m_proxy->parentWidget()->findChild<QFrame *>(QStringLiteral("statusProxySeparator")))
        line->setVisible(!proxy.isEmpty());
    onStateChanged(m_session->state());
}

void TransportStatus::onStateChanged(Session::State state)
{
    if (m_options.transport == ConnectionOptions::Transport::Udp) {
        setSecurity(tr("UDP"));
        return;
    }
    switch (state) {
    case Session::State::Handshaking:
        setSecurity(m_options.tls.startTls == TlsSettings::StartTls::Smtp && !m_session->isEncrypted()
                        ? tr("STARTTLS")
                        : tr("TLS handshake"));
        break;
    case Session::State::Connected:
        if (!m_session->isEncrypted())
            setSecurity(tr("Plain TCP"));
        else
            setSecurity(m_session->tlsDetails().protocol);
        break;
    case Session::State::Closed:
        if (!m_rejected && !m_session->isEncrypted() && m_session->tlsDetails().protocol.isEmpty())
            setSecurity(m_options.tls.enabled ? tr("TLS (not established)") : tr("Plain TCP"));
        break;
    case Session::State::Idle:
    case Session::State::LookingUp:
    case Session::State::Connecting:
    case Session::State::Closing:
        if (state != Session::State::Closing)
            setSecurity(m_options.tls.enabled ? tr("TLS") : tr("Plain TCP"));
        break;
    }
}
