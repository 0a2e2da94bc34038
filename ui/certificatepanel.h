#pragma once

#include <QWidget>

#include "tlsinfo.h"

class CertificateTree;
class Dialogs;
class QLabel;
class QPushButton;

// The certificate panel of the main window: what the last TLS handshake
// negotiated and the peer's chain (see CertificateTree), or, after a
// verification failure, why the certificate was rejected. "Export PEM..."
// writes the selected certificate to a private file (0600, QSaveFile).
class CertificatePanel : public QWidget
{
    Q_OBJECT
public:
    CertificatePanel(Dialogs *dialogs, QWidget *parent = nullptr);

    void showDetails(const TlsDetails &details);
    void showRejected(const QString &endpoint, const QList<TlsProblem> &problems,
                      const QList<CertificateInfo> &chain);
    // Back to "no TLS session yet" (a new connection starts).
    void clear();

    // Asks where to write the selected certificate; false when cancelled,
    // nothing is selected, or writing failed (reported through Dialogs).
    bool exportSelected();
    // Writes `pem` to `path`, owner-only. false with *error set on failure.
    static bool writePem(const QString &path, const QByteArray &pem, QString *error);

    QSize sizeHint() const override; // room for a fingerprint

    CertificateTree *tree() const { return m_tree; }
    QPushButton *exportButton() const { return m_export; }
    QLabel *summaryLabel() const { return m_summary; }

private:
    void updateExport();

    Dialogs *m_dialogs;
    QLabel *m_summary;
    CertificateTree *m_tree;
    QPushButton *m_export;
};
