#include "tlscontrol.h"

#include <QAction>
#include <QTimer>

#include "actionutil.h"
#include "appsettings.h"
#include "certificatepanel.h"
#include "dialogs.h"
#include "sessionstatus.h"
#include "trustedcertificatesdialog.h"

TlsControl::TlsControl(Session *session, AppSettings *settings, Dialogs *dialogs, CertificatePanel *panel,
                       QWidget *window)
    : QObject(window)
    , m_session(session)
    , m_settings(settings)
    , m_dialogs(dialogs)
    , m_panel(panel)
    , m_window(window)
{
    m_startTls = makeAction(this, tr("Start &TLS"), QString(), QStringLiteral("security-high"),
                            QStyle::SP_VistaShield);
    m_startTls->setObjectName(QStringLiteral("startTlsAction"));
    setShortcuts(m_startTls, {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T)},
                 tr("Upgrade this plain TCP connection to TLS (after STARTTLS or the like)"));
    connect(m_startTls, &QAction::triggered, this, &TlsControl::startTls);

    m_trusted = makeAction(this, tr("Trusted &Certificates..."),
                           tr("Certificates trusted by fingerprint, to review or revoke them"),
                           QStringLiteral("security-medium"), QStyle::SP_FileDialogListView);
    m_trusted->setObjectName(QStringLiteral("trustedCertificatesAction"));
    connect(m_trusted, &QAction::triggered, this, &TlsControl::showTrustedCertificates);

    connect(session, &Session::transcriptStarted, this, &TlsControl::onTranscriptStarted);
    connect(session, &Session::stateChanged, this, &TlsControl::onStateChanged);
    connect(session, &Session::encrypted, this, &TlsControl::onEncrypted);
    connect(session, &Session::certificateRejected, this, &TlsControl::onRejected);
    updateActions();
}

void TlsControl::onTranscriptStarted()
{
    const ConnectionOptions &options = m_session->options(); // copied by this connectToHost()
    m_plainTcp = options.transport == ConnectionOptions::Transport::Tcp && !options.tls.enabled;
    m_upgrading = false;
    m_upgradeFirstEntry = -1;
    m_panel->clear();
    updateActions();
}

void TlsControl::onStateChanged(Session::State state)
{
    if (m_upgrading && state != Session::State::Handshaking && state != Session::State::Connected)
        m_upgrading = false; // the upgrade failed; errorOccurred says why
    updateActions();
}

void TlsControl::updateActions()
{
    m_startTls->setEnabled(m_session->state() == Session::State::Connected && m_plainTcp
                           && !m_session->isEncrypted() && !m_upgrading);
}

bool TlsControl::startTls()
{
    QString whyNot;
    const std::shared_ptr<Transcript> transcript = m_session->transcript();
    m_upgradeFirstEntry = transcript ? transcript->entryCount() : -1;
    m_upgrading = true;
    if (!m_session->startTls(&whyNot)) {
        m_upgrading = false;
        updateActions();
        Q_EMIT message(whyNot.isEmpty() ? tr("Cannot start TLS now.") : whyNot, true);
        return false;
    }
    updateActions();
    reportDiscarded();
    return true;
}

void TlsControl::reportDiscarded()
{
    // The session records plain text it dropped at the upgrade as an event
    // whose name says "discarded"; say so where the person looks.
    const std::shared_ptr<Transcript> transcript = m_session->transcript();
    if (!transcript || m_upgradeFirstEntry < 0)
        return;
    for (qint64 i = m_upgradeFirstEntry; i < transcript->entryCount(); ++i) {
        const Transcript::Entry entry = transcript->entry(i);
        if (entry.kind == Transcript::Kind::Event && entry.event.contains(QLatin1String("discard"))) {
            Q_EMIT message(tr("Plain text received before the TLS upgrade was discarded, not trusted: %1")
                               .arg(entry.detail),
                           true);
            m_upgradeFirstEntry = i + 1;
            return;
        }
    }
    m_upgradeFirstEntry = transcript->entryCount();
}

void TlsControl::onEncrypted(const TlsDetails &details)
{
    m_panel->showDetails(details);
    Q_EMIT panelUpdated();
    if (m_upgrading) {
        m_upgrading = false;
        Q_EMIT message(tr("Upgraded to %1 (%2).").arg(details.protocol, details.cipher), false);
        reportDiscarded();
    }
    updateActions();
}

void TlsControl::onRejected(const QList<TlsProblem> &problems, const QList<CertificateInfo> &chain)
{
    const QString endpoint = Session::formatEndpoint(m_session->host(), m_session->port());
    m_panel->showRejected(endpoint, problems, chain);
    Q_EMIT panelUpdated();
    if (!m_askToTrust || chain.isEmpty())
        return;
    // Asked once the session has closed: never a modal dialog inside its signal.
    QTimer::singleShot(0, this, [this, endpoint, problems, chain] { askToTrust(endpoint, problems, chain); });
}

void TlsControl::askToTrust(const QString &endpoint, const QList<TlsProblem> &problems,
                            const QList<CertificateInfo> &chain)
{
    if (m_session->isActive())
        return; // a new connection started meanwhile
    if (!m_dialogs->askTrustCertificate(m_window, {endpoint, problems, chain}))
        return;
    trust(endpoint, chain.constFirst());
    Q_EMIT message(tr("Trusted the certificate with SHA-256 %1 for %2; connecting again.")
                       .arg(TlsSettings::formatFingerprint(chain.constFirst().sha256), endpoint),
                   false);
    Q_EMIT reconnectRequested();
}

void TlsControl::trust(const QString &endpoint, const CertificateInfo &certificate)
{
    QList<TrustedCertificate> trusted = m_settings->trustedCertificates();
    const TrustedCertificate entry{endpoint, certificate.sha256, certificate.subject, QDateTime::currentDateTimeUtc()};
    if (!trusted.contains(entry))
        trusted.append(entry);
    m_settings->setTrustedCertificates(trusted);
    m_settings->sync();
}

TrustedCertificatesDialog *TlsControl::showTrustedCertificates()
{
    if (m_trustedDialog) {
        m_trustedDialog->raise();
        m_trustedDialog->activateWindow();
        return m_trustedDialog;
    }
    auto *dialog = new TrustedCertificatesDialog(m_settings, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &TrustedCertificatesDialog::revoked, this, [this](const TrustedCertificate &certificate) {
        Q_EMIT message(tr("No longer trusted for %1: the certificate with SHA-256 %2.")
                           .arg(certificate.endpoint, TlsSettings::formatFingerprint(certificate.sha256)),
                       false);
    });
    m_trustedDialog = dialog;
    dialog->open();
    return dialog;
}
