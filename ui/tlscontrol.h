#pragma once

#include <QObject>
#include <QPointer>

#include "session.h"

class AppSettings;
class CertificatePanel;
class Dialogs;
class QAction;
class QWidget;
class TrustedCertificatesDialog;

// The window's TLS behaviour around one Session:
// - fills the certificate panel after each handshake, clears it when a new
//   connection starts;
// - on a verification failure, shows the reasons in the panel and asks
//   (through Dialogs, once the session has closed) whether to trust this
//   exact certificate for this host and port; if so, remembers its SHA-256
//   fingerprint in the settings and asks for a reconnect;
// - "Start TLS" (Ctrl+Shift+T) upgrades a plain TCP connection, reporting
//   any plain text discarded;
// - "Trusted Certificates..." lists what was trusted, to revoke it.
class TlsControl : public QObject
{
    Q_OBJECT
public:
    TlsControl(Session *session, AppSettings *settings, Dialogs *dialogs, CertificatePanel *panel, QWidget *window);

    QAction *startTlsAction() const { return m_startTls; }
    QAction *trustedAction() const { return m_trusted; }

    // Off: a rejection is shown in the panel only, never asked about
    // (automation that quits when the connection closes).
    void setAskToTrust(bool ask) { m_askToTrust = ask; }

    bool startTls();
    // Opens the list (window-modal, returns at once); deletes itself on close.
    TrustedCertificatesDialog *showTrustedCertificates();
    // Trusts `certificate` for `endpoint` ("host:port") and writes it at once.
    void trust(const QString &endpoint, const CertificateInfo &certificate);

    // True from startTls() until the upgrade's handshake ends.
    bool isUpgrading() const { return m_upgrading; }

Q_SIGNALS:
    // The panel has something new to show (a handshake or a rejection).
    void panelUpdated();
    // The person trusted the rejected certificate: connect again.
    void reconnectRequested();
    // For the status bar: what happened, and whether it is an error.
    void message(const QString &text, bool isError);

private:
    void onTranscriptStarted();
    void onStateChanged(Session::State state);
    void onEncrypted(const TlsDetails &details);
    void onRejected(const QList<TlsProblem> &problems, const QList<CertificateInfo> &chain);
    void askToTrust(const QString &endpoint, const QList<TlsProblem> &problems, const QList<CertificateInfo> &chain);
    // "Not trusted: N plain-text bytes ... discarded." for the events the
    // session recorded since the last call; empty if none.
    QString takeDiscarded();
    void updateActions();

    Session *m_session;
    AppSettings *m_settings;
    Dialogs *m_dialogs;
    CertificatePanel *m_panel;
    QWidget *m_window;
    QAction *m_startTls;
    QAction *m_trusted;
    bool m_askToTrust = true;
    bool m_plainTcp = false; // the current connection is TCP without TLS options from the start
    bool m_upgrading = false;
    qint64 m_scanned = 0;    // transcript entries already looked at by takeDiscarded()
    QString m_pendingReport; // shown once the session is Connected
    QPointer<TrustedCertificatesDialog> m_trustedDialog;
};
