#pragma once

#include <QDialog>

#include "dialogs.h"

class CertificateTree;
class QLineEdit;
class QListWidget;
class QPushButton;

// Shown when the peer's certificate failed verification: each reason in
// words, the chain, and the peer certificate's SHA-256 fingerprint, with
// "Trust This Certificate for HOST:PORT" (accept) and Cancel (reject, the
// default, also Escape). There is deliberately no way to ignore errors in
// general: trust is given to this one certificate for this one endpoint.
class CertificateRejectedDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CertificateRejectedDialog(const Dialogs::CertificateRejection &rejection, QWidget *parent = nullptr);

    QListWidget *reasonList() const { return m_reasons; }
    CertificateTree *tree() const { return m_tree; }
    QLineEdit *fingerprintField() const { return m_fingerprint; }
    QPushButton *trustButton() const { return m_trust; }
    QPushButton *cancelButton() const { return m_cancel; }

private:
    QListWidget *m_reasons;
    CertificateTree *m_tree;
    QLineEdit *m_fingerprint;
    QPushButton *m_trust;
    QPushButton *m_cancel;
};
