#include "historycontrol.h"

#include <algorithm>

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QStyle>
#include <QThread>

#include "actionutil.h"
#include "appsettings.h"
#include "backgroundtask.h"
#include "dialogs.h"
#include "historydialog.h"
#include "transcript.h"
#include "uilogging.h"

namespace {

struct Opened {
    std::shared_ptr<Transcript> transcript;
    QString path;
    QString error;
};

struct Removed {
    QStringList removed;
    QStringList errors;
    QList<TranscriptHistory::Item> items;
};

struct Enforced {
    QStringList removed;
    QList<TranscriptHistory::Item> items;
};

// Worker side of start() and enforceLimits(): apply the limits, then list.
Enforced enforceAndList(const TranscriptHistory &history, const TranscriptHistory::Limits &limits)
{
    Enforced result;
    result.removed = history.enforce(limits);
    result.items = history.items();
    return result;
}

} // namespace

HistoryControl::HistoryControl(AppSettings *settings, Dialogs *dialogs, QWidget *window, const QString &folder)
    : QObject(window)
    , m_settings(settings)
    , m_dialogs(dialogs)
    , m_window(window)
    , m_history(folder)
{
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1); // the thread stays: work is short and frequent
    m_action = makeAction(this, tr("&History..."), QString(), QStringLiteral("document-open-recent"),
                          QStyle::SP_FileDialogDetailedView);
    m_action->setObjectName(QStringLiteral("historyAction"));
    // Ctrl+H is the view's hex toggle.
    setShortcuts(m_action, {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H)},
                 tr("The transcripts of past sessions, kept by autosave: open, delete, settings"));
    connect(m_action, &QAction::triggered, this, &HistoryControl::showDialog);
}

HistoryControl::~HistoryControl()
{
    m_pool.waitForDone();
}

template<typename T, typename Work, typename Done>
void HistoryControl::run(Work work, Done done)
{
    ++m_pending;
    runInBackground<T>(&m_pool, this, work, [this, done](const T &result) {
        done(result);
        if (--m_pending == 0)
            Q_EMIT idle();
    });
}

Session::TranscriptFactory HistoryControl::transcriptFactory()
{
    return [this](const QString &host, quint16 port) -> std::shared_ptr<Transcript> {
        if (!m_settings->autosave())
            return nullptr;
        // Creating the store is a folder and two small files: quick enough
        // for the GUI thread, and the session needs the transcript now.
        QString error;
        std::shared_ptr<Transcript> transcript = m_history.createTranscript(host, port, &error);
        if (!error.isEmpty()) {
            Q_EMIT message(tr("This session is not autosaved: %1").arg(error), true);
            return transcript;
        }
        m_autosaved.erase(std::remove_if(m_autosaved.begin(), m_autosaved.end(),
                                         [](const std::weak_ptr<Transcript> &t) { return t.expired(); }),
                          m_autosaved.end());
        m_autosaved.push_back(transcript);
        if (m_dialog && m_dialog->isVisible())
            refresh(); // shows it "recording"
        return transcript;
    };
}

bool HistoryControl::isAutosaved(const std::shared_ptr<Transcript> &transcript) const
{
    if (!transcript)
        return false;
    for (const std::weak_ptr<Transcript> &kept : m_autosaved) {
        if (kept.lock() == transcript)
            return true;
    }
    return false;
}

void HistoryControl::start()
{
    const TranscriptHistory history = m_history;
    const TranscriptHistory::Limits limits = m_settings->historyLimits();
    run<Enforced>(
        [history, limits] { return enforceAndList(history, limits); },
        [this](const Enforced &result) {
            onListed(result.items);
            announceRecovered(result.items);
        });
}

void HistoryControl::sessionFinished()
{
    enforceLimits();
}

void HistoryControl::enforceLimits()
{
    const TranscriptHistory history = m_history;
    const TranscriptHistory::Limits limits = m_settings->historyLimits();
    run<Enforced>(
        [history, limits] { return enforceAndList(history, limits); },
        [this](const Enforced &result) {
            if (!result.removed.isEmpty())
                qCInfo(lcUi) << "history: removed" << result.removed.size() << "stores beyond the limits";
            onListed(result.items);
        });
}

void HistoryControl::refresh()
{
    const TranscriptHistory history = m_history;
    run<QList<TranscriptHistory::Item>>([history] { return history.items(); },
                                        [this](const QList<TranscriptHistory::Item> &items) { onListed(items); });
}

void HistoryControl::onListed(const QList<TranscriptHistory::Item> &items)
{
    m_items = items;
    if (m_dialog)
        m_dialog->setItems(items);
    Q_EMIT listed(items);
}

void HistoryControl::announceRecovered(const QList<TranscriptHistory::Item> &items)
{
    const QStringList announced = m_settings->announcedRecoveries();
    QStringList recovered;
    QStringList fresh;
    for (const TranscriptHistory::Item &item : items) {
        if (!item.recovered)
            continue;
        recovered.append(item.id);
        if (!announced.contains(item.id))
            fresh.append(item.id);
    }
    // Only ids still there are remembered, so the list stays small.
    if (recovered != announced) {
        m_settings->setAnnouncedRecoveries(recovered);
        m_settings->sync(); // announced once, even if this process ends badly too
    }
    if (fresh.isEmpty())
        return;

    // No English translation is loaded, so %n plurals would read "1 transcripts".
    const QString text = fresh.size() == 1
        ? tr("Socketeer ended unexpectedly: 1 transcript was recovered and is in File > History.")
        : tr("Socketeer ended unexpectedly: %1 transcripts were recovered and are in File > History.")
              .arg(fresh.size());
    Q_EMIT message(text, false);
    if (!m_notice) {
        auto *notice = new QMessageBox(QMessageBox::Information, tr("Transcripts Recovered"), text,
                                       QMessageBox::NoButton, m_window);
        notice->setObjectName(QStringLiteral("recoveryNotice"));
        notice->setAccessibleName(tr("Transcripts recovered"));
        notice->setAttribute(Qt::WA_DeleteOnClose);
        notice->setModal(false);
        notice->setWindowModality(Qt::NonModal);
        QPushButton *openHistory = notice->addButton(tr("Open &History"), QMessageBox::AcceptRole);
        openHistory->setObjectName(QStringLiteral("recoveryOpenHistory"));
        openHistory->setAccessibleName(tr("Open History"));
        openHistory->setToolTip(tr("Show the kept transcripts, the recovered ones marked"));
        QPushButton *close = notice->addButton(QMessageBox::Close);
        close->setAccessibleName(tr("Close"));
        close->setToolTip(tr("Close this notice; the transcripts stay in File > History"));
        notice->setDefaultButton(openHistory);
        notice->setEscapeButton(close);
        connect(notice, &QMessageBox::buttonClicked, this, [this, openHistory](QAbstractButton *button) {
            if (button == openHistory) {
                HistoryDialog *dialog = showDialog();
                for (const QString &id : m_settings->announcedRecoveries())
                    dialog->selectId(id);
            }
        });
        m_notice = notice;
    } else {
        m_notice->setText(text);
    }
    m_notice->show();
    Q_EMIT recoveredFound(fresh);
}

QString HistoryControl::describe(const Transcript &transcript)
{
    const QString peer = Session::formatEndpoint(transcript.host(), transcript.port());
    const QDateTime start = transcript.startTime();
    return start.isValid() ? tr("%1, %2").arg(peer, QLocale().toString(start.toLocalTime(), QLocale::ShortFormat))
                           : peer;
}

HistoryDialog *HistoryControl::dialog() const
{
    return m_dialog;
}

QMessageBox *HistoryControl::recoveryNotice() const
{
    return m_notice;
}

QWidget *HistoryControl::dialogParent() const
{
    return m_dialog && m_dialog->isVisible() ? static_cast<QWidget *>(m_dialog) : m_window;
}

HistoryDialog *HistoryControl::showDialog()
{
    if (!m_dialog) {
        m_dialog = new HistoryDialog(m_settings, m_dialogs, m_window);
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
        m_dialog->setItems(m_items);
        connect(m_dialog, &HistoryDialog::openRequested, this, &HistoryControl::open);
        connect(m_dialog, &HistoryDialog::removeRequested, this, &HistoryControl::remove);
    }
    m_dialog->setStatus(tr("Listing\u2026"));
    refresh();
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
    return m_dialog;
}

void HistoryControl::open(const QStringList &ids)
{
    const TranscriptHistory history = m_history;
    QThread *guiThread = thread();
    for (const QString &id : ids) {
        run<Opened>(
            [history, id, guiThread] {
                Opened result;
                result.transcript = history.open(id, &result.error);
                result.path = QDir(history.folder()).filePath(id);
                // Made on this thread; used on the GUI thread from now on.
                if (result.transcript)
                    result.transcript->moveToThread(guiThread);
                return result;
            },
            [this](const Opened &result) {
                if (!result.transcript) {
                    m_dialogs->showError(dialogParent(), tr("Open Transcript"),
                                         tr("Could not open the kept transcript %1: %2")
                                             .arg(QDir::toNativeSeparators(result.path), result.error));
                    return;
                }
                Q_EMIT transcriptOpened(result.transcript, result.path);
            });
    }
}

void HistoryControl::remove(const QStringList &ids)
{
    if (ids.isEmpty())
        return;
    if (m_dialog)
        m_dialog->setStatus(tr("Deleting\u2026"));
    const TranscriptHistory history = m_history;
    run<Removed>(
        [history, ids] {
            Removed result;
            for (const QString &id : ids) {
                QString error;
                if (history.remove(id, &error))
                    result.removed.append(id);
                else
                    result.errors.append(error);
            }
            result.items = history.items();
            return result;
        },
        [this](const Removed &result) {
            onListed(result.items);
            if (!result.errors.isEmpty()) {
                m_dialogs->showError(dialogParent(), tr("Delete Transcripts"),
                                     tr("Could not delete %n transcripts:", nullptr, int(result.errors.size()))
                                         + QLatin1Char('\n') + result.errors.join(QLatin1Char('\n')));
            }
            Q_EMIT message(tr("Deleted %n transcripts.", nullptr, int(result.removed.size())), false);
        });
}
