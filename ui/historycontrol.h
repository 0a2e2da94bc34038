#pragma once

#include <memory>
#include <vector>

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QThreadPool>

#include "session.h"
#include "transcripthistory.h"

class AppSettings;
class Dialogs;
class HistoryDialog;
class QAction;
class QMessageBox;
class QWidget;
class Transcript;

// The window's side of autosave (see TranscriptHistory):
// - transcriptFactory() for Session::setTranscriptFactory(): while
//   AppSettings::autosave() is on, each connection records into a new store
//   in folder(); otherwise (or if the store cannot be made, which is
//   reported through message()) a plain in-memory Transcript.
// - File > History (historyAction(), Ctrl+Shift+H): a HistoryDialog fed by
//   listings, opening stores into transcriptOpened() and deleting them.
// - start(): at program start, applies the retention limits, then announces
//   stores recovered after a crash (once each) with a status message and a
//   non-modal notice offering "Open History".
// - sessionFinished(): applies the limits after each session.
//
// Contract: listing, opening, deleting and enforcing run one at a time on
// a worker thread, never on the GUI thread; results come back through the
// event loop. isBusy() is true while any of them is queued or running; the
// destructor waits for the one running.
class HistoryControl : public QObject
{
    Q_OBJECT
public:
    // `window` parents the dialog and the notice.
    HistoryControl(AppSettings *settings, Dialogs *dialogs, QWidget *window,
                   const QString &folder = TranscriptHistory::defaultFolder());
    ~HistoryControl() override;

    QString folder() const { return m_history.folder(); }
    // Where the next transcripts are kept and listed (tests, portable
    // setups); work already queued uses the folder it was queued with.
    void setFolder(const QString &folder) { m_history = TranscriptHistory(folder); }
    QAction *historyAction() const { return m_action; }
    Session::TranscriptFactory transcriptFactory();
    // True for a transcript this control created in the history (kept on
    // disk as it is recorded: nothing to lose by not saving it).
    bool isAutosaved(const std::shared_ptr<Transcript> &transcript) const;

    void start();
    void sessionFinished();
    void enforceLimits();
    // Lists again; listed() follows, and the dialog, if open, shows it.
    void refresh();
    // The last listing (empty before the first).
    QList<TranscriptHistory::Item> items() const { return m_items; }

    HistoryDialog *showDialog();
    HistoryDialog *dialog() const;
    // The crash notice while it is shown; null otherwise.
    QMessageBox *recoveryNotice() const;

    void open(const QStringList &ids);
    void remove(const QStringList &ids);

    bool isBusy() const { return m_pending > 0; }

    // "example.org:80, 25/11/2026 10:00": names a kept transcript in a
    // window title (its store folder's name means nothing to people).
    static QString describe(const Transcript &transcript);

Q_SIGNALS:
    void listed(const QList<TranscriptHistory::Item> &items);
    // A kept store opened read-only; `path` is its folder.
    void transcriptOpened(std::shared_ptr<Transcript> transcript, const QString &path);
    // Stores found recovered at start and not announced before.
    void recoveredFound(const QStringList &ids);
    void message(const QString &text, bool isError);
    // All background work finished.
    void idle();

private:
    template<typename T, typename Work, typename Done>
    void run(Work work, Done done);
    void onListed(const QList<TranscriptHistory::Item> &items);
    void announceRecovered(const QList<TranscriptHistory::Item> &items);
    QWidget *dialogParent() const;

    AppSettings *m_settings;
    Dialogs *m_dialogs;
    QWidget *m_window;
    TranscriptHistory m_history;
    QThreadPool m_pool; // one thread: the operations never race each other
    QAction *m_action;
    QPointer<HistoryDialog> m_dialog;
    QPointer<QMessageBox> m_notice;
    QList<TranscriptHistory::Item> m_items;
    std::vector<std::weak_ptr<Transcript>> m_autosaved;
    int m_pending = 0;
};
