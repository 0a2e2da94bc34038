#include "transcriptwindow.h"

#include <QAction>
#include <QCloseEvent>
#include <QFileInfo>
#include <QMenuBar>
#include <QStatusBar>
#include <QStyle>
#include <QVBoxLayout>

#include "actionutil.h"
#include "appsettings.h"
#include "copystatus.h"
#include "findbar.h"
#include "messagestatusbar.h"
#include "savestatus.h"
#include "session.h"
#include "transcript.h"
#include "transcriptview.h"

TranscriptWindow::TranscriptWindow(std::shared_ptr<Transcript> transcript, const QString &filePath,
                                   Dialogs *dialogs, AppSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_transcript(std::move(transcript))
    , m_filePath(filePath)
    , m_files(dialogs, settings)
    , m_view(new TranscriptView(this))
{
    setAttribute(Qt::WA_DeleteOnClose);
    setAttribute(Qt::WA_QuitOnClose, false); // the main window decides when to quit
    setObjectName(QStringLiteral("transcriptWindow"));
    const QString name = QFileInfo(filePath).fileName();
    setWindowTitle(tr("%1 (read-only) \u2014 Socketeer").arg(name));
    setWindowFilePath(filePath);
    setAccessibleName(tr("Transcript %1").arg(name));

    m_view->setPlaceholderText(tr("This transcript is empty."));
    if (settings) {
        m_view->setShowTimestamps(settings->showTimestamps());
        m_view->setWrapLines(settings->wrapLines());
        m_view->setShowHex(settings->showHex());
    }
    m_view->setTranscript(m_transcript);
    m_find = new FindBar(m_view, this);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_find);
    setCentralWidget(central);

    QAction *saveAsAction = makeAction(this, tr("Save &As..."), QString(), QStringLiteral("document-save-as"),
                                       QStyle::SP_DialogSaveButton);
    QList<QKeySequence> saveAsKeys; // where the platform has no Save As key, Save's alone
    for (QKeySequence::StandardKey key : {QKeySequence::SaveAs, QKeySequence::Save})
        saveAsKeys += QKeySequence::keyBindings(key);
    setShortcuts(saveAsAction, saveAsKeys, tr("Export this transcript in another format"));
    connect(saveAsAction, &QAction::triggered, this, &TranscriptWindow::saveAs);

    QAction *closeAction = makeAction(this, tr("&Close"), QString(), QStringLiteral("window-close"),
                                      QStyle::SP_DialogCloseButton);
    // Ctrl+W also where the platform's Close is only Ctrl+F4.
    QList<QKeySequence> closeKeys = QKeySequence::keyBindings(QKeySequence::Close);
    if (!closeKeys.contains(QKeySequence(Qt::CTRL | Qt::Key_W)))
        closeKeys.append(QKeySequence(Qt::CTRL | Qt::Key_W));
    setShortcuts(closeAction, closeKeys, tr("Close this window"));
    connect(closeAction, &QAction::triggered, this, &QWidget::close);

    setStatusBar(new MessageStatusBar(this));
    connect(m_view, &TranscriptView::message, statusBar(), [this](const QString &text) { statusBar()->showMessage(text); });
    connect(m_find, &FindBar::statusMessage, statusBar(), &QStatusBar::showMessage);
    m_saveStatus = new SaveStatus(&m_files, statusBar(), this);
    new CopyStatus(m_view, statusBar(), this);
    m_view->setDialogs(dialogs);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_fileMenu = file;
    file->addAction(saveAsAction);
    file->addSeparator();
    file->addAction(closeAction);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_view->copyAction());
    edit->addAction(m_view->selectAllAction());
    edit->addSeparator();
    edit->addAction(m_find->findAction());
    edit->addAction(m_find->findNextAction());
    edit->addAction(m_find->findPreviousAction());

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_view->timestampsAction());
    view->addAction(m_view->wrapAction());
    view->addAction(m_view->hexAction());

    for (QMenu *menu : {file, edit, view})
        menu->setToolTipsVisible(true);

    const int entries = int(m_transcript->entryCount());
    if (m_transcript->host().isEmpty()) {
        statusBar()->showMessage(tr("%n entries", nullptr, entries));
    } else {
        const QString peer = Session::formatEndpoint(m_transcript->host(), m_transcript->port());
        statusBar()->showMessage(tr("%1, %n entries", nullptr, entries).arg(peer));
    }
    const int lines = fontMetrics().lineSpacing();
    resize(lines * 50, lines * 30);
}

void TranscriptWindow::saveAs()
{
    m_files.saveAs(this, m_transcript); // SaveStatus shows the progress and the outcome
}

void TranscriptWindow::closeEvent(QCloseEvent *event)
{
    if (m_files.isWaiting()) { // a close is already waiting for the save
        event->ignore();
        return;
    }
    m_files.waitForSave();
    event->accept();
}

void TranscriptWindow::setQuitAction(QAction *quit)
{
    m_fileMenu->addAction(quit);
    addAction(quit); // its shortcut works here even with the menu closed
}
