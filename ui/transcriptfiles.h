#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include "transcriptio.h"

class AppSettings;
class Dialogs;
class QEventLoop;
class QWidget;
class Transcript;
class TranscriptSaveJob;

// Saving and opening transcript files through Dialogs, for both windows.
//
// The file dialog offers one filter per format. As on the command line, a
// name with a known transcript extension (TranscriptIO::formatForFileName)
// is saved in that format whatever the filter; otherwise the selected
// filter decides and its default suffix is appended. The format last saved
// is remembered (AppSettings::lastSaveFormat) and preselected next time.
// Failures are reported with Dialogs::showError, naming
// the file and the reason (and for a damaged file, the line), each once.
//
// Saving runs in the background (TranscriptSaveJob), one save at a time:
// the file gets a snapshot of the transcript taken when the person chose
// it; the window stays usable and the transcript may keep growing. What a
// window shows of it (SaveStatus): saveJob()'s progress, and
// statusMessage() for its status bar.
class TranscriptFiles : public QObject
{
    Q_OBJECT
public:
    // settings may be null (no remembered folder).
    TranscriptFiles(Dialogs *dialogs, AppSettings *settings, QObject *parent = nullptr);
    ~TranscriptFiles() override; // cancels a running save: an old file stays as it was

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

    // Asks for a file and starts saving a snapshot of the transcript as it
    // is now. The filter preselected is the format last saved, else text.
    // Returns the path being written; nullopt when the dialog was
    // cancelled or a save is already running (statusMessage() says so).
    // When the save ends, saveFinished() follows: on success the folder and
    // format are remembered and the transcript is marked unmodified if
    // nothing was appended to it since; a failure is shown with
    // Dialogs::showError, a cancel in the status bar (the old file, if
    // any, stays as it was).
    std::optional<QString> saveAs(QWidget *parent, const std::shared_ptr<Transcript> &transcript);

    bool isSaving() const;
    // Stops the running save (see TranscriptSaveJob::cancel()).
    void cancelSave();
    // Runs a local event loop until the running save ends, the windows
    // painted and the save's progress shown, but user input blocked
    // except on widgets marked with setUsableWhileWaiting() (the Cancel
    // button); Esc cancels the save. True if the save succeeded (or none
    // was running); false if it failed or was cancelled, and at once when
    // it is already waited for further up the stack (isWaiting()).
    bool waitForSave();
    bool isWaiting() const { return m_waitLoop != nullptr; }
    static void setUsableWhileWaiting(QWidget *widget);

    TranscriptSaveJob *saveJob() const { return m_job; }

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
    // to save); false when the person cancelled or the save failed or was
    // cancelled.
    //
    // It returns once the file is written: a save (the one it starts, or
    // one already running, waited for first) is waited for with
    // waitForSave().
    //
    // `answered`, if set, runs once the person chose Save or Discard, before
    // anything is written: the place to end a live connection, so that the
    // file saved holds all of it. It does not run when nothing is unsaved.
    bool maybeSave(QWidget *parent, const std::shared_ptr<Transcript> &transcript, const QString &question,
                   const std::function<void()> &answered = {});

Q_SIGNALS:
    void saveStarted(const QString &path);
    void saveFinished(bool ok, const QString &path);
    // For the window's status bar: a save started, ended, or cannot start.
    void statusMessage(const QString &text);

private:
    QString suggestedPath(const Transcript &transcript, TranscriptIO::Format format) const;
    QString startDirectory() const;
    void onSaveFinished(bool ok, const QString &message, bool cancelled);

    Dialogs *m_dialogs;
    AppSettings *m_settings;
    TranscriptSaveJob *m_job;
    // The save running: where its outcome goes.
    QPointer<QWidget> m_saveParent;
    std::weak_ptr<Transcript> m_savedTranscript;
    qint64 m_savedEntries = 0;
    bool m_lastSaveOk = true;
    QEventLoop *m_waitLoop = nullptr;
    std::unique_ptr<QObject> m_inputBlocker;
};
