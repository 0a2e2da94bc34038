#include "tlscontrol.h"

#include <QAction>
#include <QTimer>

#include <utility>

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
    m_scanned = 0;
    m_pendingReport.clear();
    m_panel->clear();
    updateActions();
}

void TlsControl::onStateChanged(Session::State state)
{
    if (state == Session::State::Connected && !m_pendingReport.isEmpty()) {
        // After SessionStatus, which clears the message on Connected.
        Q_EMIT message(std::exchange(m_pendingReport, QString()), false);
    } else if (state == Session::State::Closed) {
        m_upgrading = false; // if the upgrade failed, errorOccurred said why
        m_pendingReport.clear();
    }
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
    if (!m_session->startTls(&whyNot)) {
        Q_EMIT message(whyNot.isEmpty() ? tr("Cannot start TLS now.") : whyNot, true);
        return false;
    }
    m_upgrading = true;
    updateActions();
    const QString discarded = takeDiscarded();
    if (!discarded.isEmpty())
        Q_EMIT message(discarded, true);
    return true;
}

QString TlsControl::takeDiscarded()
{
    // The session records plain text it dropped when the handshake began
    // (STARTTLS injection) as an event; it is said where the person looks.
    const std::shared_ptr<Transcript> transcript = m_session->transcript();
    if (!transcript)
        return QString();
    QStringList details;
    for (; m_scanned < transcript->entryCount(); ++m_scanned) {
        const Transcript::Entry entry = transcript->entry(m_scanned);
        if (entry.kind == Transcript::Kind::Event && entry.event == TranscriptEvent::plaintextDiscarded())
            details << entry.detail;
    }
    if (details.isEmpty())
        return QString();
    return tr("Not trusted: %1.").arg(details.join(QStringLiteral("; ")));
}

void TlsControl::onEncrypted(const TlsDetails &details)
{
    m_panel->showDetails(details);
    Q_EMIT panelUpdated();
    QString report = m_upgrading ? tr("Upgraded to %1 (%2).").arg(details.protocol, details.cipher)
                                 : tr("%1 established (%2).").arg(details.protocol, details.cipher);
    const QString discarded = takeDiscarded();
    if (!discarded.isEmpty())
        report += QLatin1Char(' ') + discarded;
    m_pendingReport = report;
    m_upgrading = false;
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
