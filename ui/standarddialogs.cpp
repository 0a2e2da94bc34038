#include "standarddialogs.h"

#include <QFileDialog>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>

#include "certificaterejecteddialog.h"

std::optional<Dialogs::FileChoice> StandardDialogs::chooseSaveFile(QWidget *parent, const QString &title,
                                                                   const QString &suggestedPath,
                                                                   const QStringList &filters,
                                                                   const QString &selectedFilter)
{
    QString filter = selectedFilter;
    const QString path = QFileDialog::getSaveFileName(parent, title, suggestedPath,
                                                      filters.join(QStringLiteral(";;")), &filter);
    if (path.isEmpty())
        return std::nullopt;
    return FileChoice{path, filter};
}

QString StandardDialogs::chooseOpenFile(QWidget *parent, const QString &title, const QString &directory,
                                        const QStringList &filters)
{
    return QFileDialog::getOpenFileName(parent, title, directory, filters.join(QStringLiteral(";;")));
}

Dialogs::UnsavedAnswer StandardDialogs::askUnsaved(QWidget *parent, const QString &question)
{
    QMessageBox box(QMessageBox::Warning, QObject::tr("Unsaved transcript"),
                    QObject::tr("The transcript has data that has not been saved."),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, parent);
    box.setInformativeText(question);
    box.setDefaultButton(QMessageBox::Save);
    box.setEscapeButton(QMessageBox::Cancel);
    switch (box.exec()) {
    case QMessageBox::Save:
        return UnsavedAnswer::Save;
    case QMessageBox::Discard:
        return UnsavedAnswer::Discard;
    default:
        return UnsavedAnswer::Cancel;
    }
}

bool StandardDialogs::confirm(QWidget *parent, const QString &title, const QString &question,
                              const QString &acceptText)
{
    QMessageBox box(QMessageBox::Question, title, question, QMessageBox::NoButton, parent);
    QPushButton *accept = box.addButton(acceptText, QMessageBox::DestructiveRole);
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    accept->setAccessibleName(acceptText);
    box.setDefaultButton(cancel);
    box.setEscapeButton(cancel);
    box.exec();
    return box.clickedButton() == accept;
}

void StandardDialogs::showError(QWidget *parent, const QString &title, const QString &message)
{
    QMessageBox::critical(parent, title, message);
}

void StandardDialogs::showAbout(QWidget *parent, const QString &title, const QString &text)
{
    QMessageBox::about(parent, title, text);
}

std::optional<QByteArray> StandardDialogs::askPassphrase(QWidget *parent, const QString &title, const QString &prompt)
{
    QInputDialog dialog(parent);
    dialog.setWindowTitle(title);
    dialog.setLabelText(prompt);
    dialog.setInputMode(QInputDialog::TextInput);
    dialog.setTextEchoMode(QLineEdit::Password);
    if (auto *edit = dialog.findChild<QLineEdit *>()) {
        edit->setAccessibleName(QObject::tr("Passphrase"));
        edit->setToolTip(prompt);
    }
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    QString text = dialog.textValue();
    QByteArray bytes = text.toUtf8();
    text.fill(QLatin1Char(' ')); // best effort: fewer copies of the secret left in memory
    return bytes;
}

bool StandardDialogs::askTrustCertificate(QWidget *parent, const CertificateRejection &rejection)
{
    CertificateRejectedDialog dialog(rejection, parent);
    return dialog.exec() == QDialog::Accepted;
}
