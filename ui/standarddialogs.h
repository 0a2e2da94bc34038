#pragma once

#include "dialogs.h"

// The real dialogs: QFileDialog and QMessageBox, window-modal where the
// platform supports it.
class StandardDialogs : public Dialogs
{
public:
    std::optional<FileChoice> chooseSaveFile(QWidget *parent, const QString &title,
                                             const QString &suggestedPath,
                                             const QStringList &filters,
                                             const QString &selectedFilter) override;
    QString chooseOpenFile(QWidget *parent, const QString &title, const QString &directory,
                           const QStringList &filters) override;
    UnsavedAnswer askUnsaved(QWidget *parent, const QString &question) override;
    bool confirm(QWidget *parent, const QString &title, const QString &question, const QString &acceptText) override;
    void showError(QWidget *parent, const QString &title, const QString &message) override;
    void showAbout(QWidget *parent, const QString &title, const QString &text) override;
    std::optional<QByteArray> askPassphrase(QWidget *parent, const QString &title, const QString &prompt) override;
    bool askTrustCertificate(QWidget *parent, const CertificateRejection &rejection) override;
};
