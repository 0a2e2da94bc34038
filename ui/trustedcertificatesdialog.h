#pragma once

#include <QDialog>

#include "appsettings.h"

class QPushButton;
class QTreeWidget;

// Lists the certificates trusted by fingerprint (host:port, subject,
// SHA-256, when) and revokes the selected one (Revoke, or Delete). Each
// revocation is written to the settings file at once; the next connection
// to that endpoint verifies its certificate again.
class TrustedCertificatesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TrustedCertificatesDialog(AppSettings *settings, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }
    QPushButton *revokeButton() const { return m_revoke; }

    // Revokes the selected certificate; false when none is selected.
    bool revokeSelected();

Q_SIGNALS:
    void revoked(const TrustedCertificate &certificate);

private:
    void reload();
    void updateButtons();

    AppSettings *m_settings;
    QList<TrustedCertificate> m_certificates;
    QTreeWidget *m_list;
    QPushButton *m_revoke;
};
