#include "transcriptwindow.h"

#include <QAction>
#include <QFileInfo>
#include <QMenuBar>
#include <QStatusBar>
#include <QStyle>

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
    setWindowFlag(Qt::Window);
    setObjectName(QStringLiteral("transcriptWindow"));
    const QString name = QFileInfo(filePath).fileName();
    setWindowTitle(tr("%1 (read-only) \u2014 Socketeer").arg(name));
    setWindowFilePath(filePath);
    setAccessibleName(tr("Transcript %1").arg(name));

    m_view->setPlaceholderText(tr("This transcript is empty."));
    m_view->setTranscript(m_transcript);
    setCentralWidget(m_view);

    auto *saveAsAction = new QAction(
        QIcon::fromTheme(QStringLiteral("document-save-as"), style()->standardIcon(QStyle::SP_DialogSaveButton)),
        tr("Save &As..."), this);
    saveAsAction->setShortcuts(QList<QKeySequence>{QKeySequence(QKeySequence::SaveAs), QKeySequence(QKeySequence::Save)});
    saveAsAction->setToolTip(tr("Export this transcript in another format"));
    connect(saveAsAction, &QAction::triggered, this, &TranscriptWindow::saveAs);

    auto *closeAction = new QAction(
        QIcon::fromTheme(QStringLiteral("window-close"), style()->standardIcon(QStyle::SP_DialogCloseButton)),
        tr("&Close"), this);
    closeAction->setShortcut(QKeySequence::Close);
    closeAction->setToolTip(tr("Close this window"));
    connect(closeAction, &QAction::triggered, this, &QWidget::close);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(saveAsAction);
    file->addSeparator();
    file->addAction(closeAction);

    auto *timestamps = new QAction(tr("Show &Timestamps"), this);
    timestamps->setCheckable(true);
    timestamps->setToolTip(tr("Show the time of each line since the connection started"));
    connect(timestamps, &QAction::toggled, m_view, &TranscriptView::setShowTimestamps);
    auto *wrap = new QAction(tr("&Wrap Lines"), this);
    wrap->setCheckable(true);
    wrap->setChecked(m_view->wrapLines());
    wrap->setToolTip(tr("Wrap long lines at the window edge"));
    connect(wrap, &QAction::toggled, m_view, &TranscriptView::setWrapLines);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(timestamps);
    view->addAction(wrap);

    const QString peer = m_transcript->host().isEmpty()
        ? QString()
        : tr("%1 port %2").arg(m_transcript->host()).arg(m_transcript->port());
    statusBar()->showMessage(peer.isEmpty() ? tr("%n entries", nullptr, int(m_transcript->entryCount()))
                                            : tr("%1, %n entries", nullptr, int(m_transcript->entryCount()))
                                                  .arg(peer));
    const int lines = fontMetrics().lineSpacing();
    resize(lines * 50, lines * 30);
}

TranscriptWindow *TranscriptWindow::openFile(const QString &path, Dialogs *dialogs, AppSettings *settings,
                                             QWidget *parent, QString *errorMessage)
{
    std::shared_ptr<Transcript> transcript = TranscriptFiles::read(path, errorMessage);
    if (!transcript)
        return nullptr;
    return new TranscriptWindow(std::move(transcript), path, dialogs, settings, parent);
}

void TranscriptWindow::saveAs()
{
    const std::optional<QString> saved = m_files.saveAs(this, *m_transcript, TranscriptIO::Format::Text);
    if (saved)
        statusBar()->showMessage(tr("Saved to %1").arg(*saved));
}
