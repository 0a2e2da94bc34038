#pragma once

#include <QList>
#include <QQueue>
#include <QString>
#include <QStringList>

#include "dialogs.h"

// Dialogs answered by the test: queued answers, recorded questions. An
// unexpected question fails loudly through the `unexpected` counter rather
// than blocking on a modal dialog.
class FakeDialogs : public Dialogs
{
public:
    // chooseSaveFile: each call takes the next queued choice (nullopt: cancel).
    QQueue<std::optional<FileChoice>> saveChoices;
    QQueue<QString> openChoices;
    QQueue<UnsavedAnswer> unsavedAnswers;
    // confirm: each call takes the next answer.
    QQueue<bool> confirmAnswers;
    QStringList confirmQuestions;

    int saveDialogs = 0;
    QStringList saveFiltersOffered;
    QString saveSuggestedPath;
    QString saveFilterPreselected;
    int openDialogs = 0;
    QStringList unsavedQuestions;
    QStringList errors;
    QString aboutText;
    int unexpected = 0;
    // askPassphrase: each call takes the next answer (nullopt: cancel).
    QQueue<std::optional<QByteArray>> passphraseAnswers;
    QStringList passphrasePrompts;
    // askTrustCertificate: each call takes the next answer.
    QQueue<bool> trustAnswers;
    QList<CertificateRejection> rejections;

    std::optional<FileChoice> chooseSaveFile(QWidget *, const QString &, const QString &suggestedPath,
                                             const QStringList &filters, const QString &selectedFilter) override
    {
        ++saveDialogs;
        saveFiltersOffered = filters;
        saveSuggestedPath = suggestedPath;
        saveFilterPreselected = selectedFilter;
        if (saveChoices.isEmpty()) {
            ++unexpected;
            return std::nullopt;
        }
        return saveChoices.dequeue();
    }

    QString chooseOpenFile(QWidget *, const QString &, const QString &, const QStringList &) override
    {
        ++openDialogs;
        if (openChoices.isEmpty()) {
            ++unexpected;
            return QString();
        }
        return openChoices.dequeue();
    }

    UnsavedAnswer askUnsaved(QWidget *, const QString &question) override
    {
        unsavedQuestions.append(question);
        if (unsavedAnswers.isEmpty()) {
            ++unexpected;
            return UnsavedAnswer::Cancel;
        }
        return unsavedAnswers.dequeue();
    }

    bool confirm(QWidget *, const QString &, const QString &question, const QString &) override
    {
        confirmQuestions.append(question);
        if (confirmAnswers.isEmpty()) {
            ++unexpected;
            return false;
        }
        return confirmAnswers.dequeue();
    }

    void showError(QWidget *, const QString &title, const QString &message) override
    {
        errors.append(title + QStringLiteral(": ") + message);
    }

    void showAbout(QWidget *, const QString &, const QString &text) override { aboutText = text; }

    std::optional<QByteArray> askPassphrase(QWidget *, const QString &, const QString &prompt) override
    {
        passphrasePrompts.append(prompt);
        if (passphraseAnswers.isEmpty()) {
            ++unexpected;
            return std::nullopt;
        }
        return passphraseAnswers.dequeue();
    }

    bool askTrustCertificate(QWidget *, const CertificateRejection &rejection) override
    {
        rejections.append(rejection);
        if (trustAnswers.isEmpty()) {
            ++unexpected;
            return false;
        }
        return trustAnswers.dequeue();
    }
};
