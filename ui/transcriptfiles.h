#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include "transcriptio.h"

class AppSettings;
class Dialogs;
class QWidget;
class Transcript;

// Saving and opening transcript files through Dialogs, for both windows.
//
// The file dialog offers one filter per format. As on the command line, a
// name with a known transcript extension (TranscriptIO::formatForFileName)
// is saved in that format whatever the filter; otherwise the selected
// filter decides and its default suffix is appended. The format last saved
// is remembered (AppSettings::lastSaveFormat) and preselected next time.
// Failures are reported with Dialogs::showError, naming
// the file and the reason (and for a damaged file, the line), each once.
class TranscriptFiles
{
    Q_DECLARE_TR_FUNCTIONS(TranscriptFiles)
public:
    // settings may be null (no remembered folder).
    TranscriptFiles(Dialogs *dialogs, AppSettings *settings);

    struct Target {
        QString path;
        TranscriptIO::Format format;
    };
    // The format and final path for what a person chose in the dialog: the
    // name's extension wins; else the filter's format (text for an unknown
    // filter) with its default suffix appended.
    static Target resolveTarget(const QString &path, const QString &selectedFilter);
    static QStringList saveFilters();
    static QString openFilter();

    // Asks for a file and saves. The filter preselected is the format last
    // saved, else text. On success, marks the transcript unmodified,
    // remembers the folder and format, and returns the path written;
    // nullopt when cancelled or failed (the failure was shown).
    std::optional<QString> saveAs(QWidget *parent, Transcript &transcript);

    // Asks which JSONL file to open and reads it. Null when cancelled or
    // failed (the failure was shown; nothing of a damaged file is kept).
    std::shared_ptr<Transcript> open(QWidget *parent, QString *openedPath);
    // Asks which JSONL file to open (empty when cancelled); the reading is
    // the caller's (e.g. TranscriptOpener, in the background). Call
    // rememberDirectory() once it opened.
    QString chooseFileToOpen(QWidget *parent);
    void rememberDirectory(const QString &path);
    // Reads `path`; null with a message naming the line on failure.
    static std::shared_ptr<Transcript> read(const QString &path, QString *errorMessage);
    // The message for a failed read of `path`: a damaged line is named with
    // the file; a file that cannot be read at all already names itself.
    static QString readErrorMessage(const QString &path, const TranscriptIO::ReadError &error);

    // If the transcript holds unsaved data, asks Save / Discard / Cancel.
    // Returns true when the caller may go on (saved, discarded, or nothing
    // to save); false when the person cancelled or the save failed.
    //
    // `answered`, if set, runs once the person chose Save or Discard, before
    // anything is written: the place to end a live connection, so that the
    // file saved holds all of it. It does not run when nothing is unsaved.
    bool maybeSave(QWidget *parent, const std::shared_ptr<Transcript> &transcript, const QString &question,
                   const std::function<void()> &answered = {});

private:
    QString suggestedPath(const Transcript &transcript, TranscriptIO::Format format) const;
    QString startDirectory() const;

    Dialogs *m_dialogs;
    AppSettings *m_settings;
};
