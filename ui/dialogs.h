#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include "tlsinfo.h"

class QWidget;

// Every question the window asks a person, behind one interface, so that
// tests (and automation) can answer without a modal dialog. The window
// never creates a QFileDialog or QMessageBox itself; StandardDialogs does.
class Dialogs
{
public:
    virtual ~Dialogs();

    struct FileChoice {
        QString path;           // as the person typed or picked it
        QString selectedFilter; // one of the filters offered
    };

    // Asks for a file to write. `filters` are offered in order, with
    // `selectedFilter` preselected. nullopt when cancelled.
    virtual std::optional<FileChoice> chooseSaveFile(QWidget *parent, const QString &title,
                                                     const QString &suggestedPath,
                                                     const QStringList &filters,
                                                     const QString &selectedFilter) = 0;
    // Asks for an existing file to read. Empty when cancelled.
    virtual QString chooseOpenFile(QWidget *parent, const QString &title,
                                   const QString &directory, const QStringList &filters) = 0;

    enum class UnsavedAnswer { Save, Discard, Cancel };
    // "The transcript has unsaved data: <question>" with Save, Discard, Cancel.
    virtual UnsavedAnswer askUnsaved(QWidget *parent, const QString &question) = 0;

    // A yes/no question about something that cannot be undone (deleting
    // kept transcripts): `question`, with `acceptText` on the button that
    // goes on. True when the person accepted; the default answer is no.
    virtual bool confirm(QWidget *parent, const QString &title, const QString &question,
                         const QString &acceptText) = 0;

    // Reports a failure that needs acknowledging (save or open failed).
    virtual void showError(QWidget *parent, const QString &title, const QString &message) = 0;

    virtual void showAbout(QWidget *parent, const QString &title, const QString &text) = 0;

    // Asks for a secret (a private key's passphrase), typed hidden.
    // `prompt` says what for (and, on a retry, that the last one was wrong).
    // nullopt when cancelled.
    virtual std::optional<QByteArray> askPassphrase(QWidget *parent, const QString &title,
                                                    const QString &prompt) = 0;

    // The peer's certificate failed verification for `endpoint`.
    struct CertificateRejection {
        QString endpoint;              // "host:port" as connected to
        QList<TlsProblem> problems;    // every reason
        QList<CertificateInfo> chain;  // as the peer sent it, peer first
    };
    // Shows every reason and the certificate, and offers to trust this
    // exact certificate (chain.first(), by SHA-256) for the endpoint.
    // True when the person chose to trust it; the default answer is no.
    virtual bool askTrustCertificate(QWidget *parent, const CertificateRejection &rejection) = 0;
};
