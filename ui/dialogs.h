#pragma once

#include <optional>

#include <QString>
#include <QStringList>

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

    // Reports a failure that needs acknowledging (save or open failed).
    virtual void showError(QWidget *parent, const QString &title, const QString &message) = 0;

    virtual void showAbout(QWidget *parent, const QString &title, const QString &text) = 0;
};
