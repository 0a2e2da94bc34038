#pragma once

#include <memory>

#include <QMainWindow>

#include "transcriptfiles.h"

class FindBar;
class QAction;
class QMenu;
class Transcript;
class TranscriptView;

// A read-only window over a transcript opened from a file: the same
// TranscriptView as the main window (timestamps and wrapping as in the
// settings, when given), File > Save As (export in another format) and
// Close, Edit > Copy, Select All and Find (a FindBar under the view). It
// deletes itself when closed and never keeps the application running on its
// own. Quit (Ctrl+Q) is the main
// window's action, given with setQuitAction(); Close (Ctrl+W) closes this
// window only. MainWindow::openTranscript()
// creates it.
class TranscriptWindow : public QMainWindow
{
    Q_OBJECT
public:
    // settings may be null (defaults, nothing remembered).
    TranscriptWindow(std::shared_ptr<Transcript> transcript, const QString &filePath, Dialogs *dialogs,
                     AppSettings *settings, QWidget *parent = nullptr);

    TranscriptView *view() const { return m_view; }
    FindBar *findBar() const { return m_find; }
    std::shared_ptr<Transcript> transcript() const { return m_transcript; }
    QString filePath() const { return m_filePath; }

    void saveAs();
    // Offers `quit` (the main window's Quit, which asks about unsaved data
    // there) in this window's File menu, with its shortcut.
    void setQuitAction(QAction *quit);

private:
    std::shared_ptr<Transcript> m_transcript;
    QString m_filePath;
    TranscriptFiles m_files;
    TranscriptView *m_view;
    FindBar *m_find = nullptr;
    QMenu *m_fileMenu = nullptr;
};
