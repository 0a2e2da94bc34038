#pragma once

#include <memory>

#include <QMainWindow>

#include "transcriptfiles.h"

class Transcript;
class TranscriptView;

// A read-only window over a transcript opened from a file: the same
// TranscriptView as the main window, File > Save As (export in another
// format) and Close. It deletes itself when closed and never keeps the
// application running on its own.
class TranscriptWindow : public QMainWindow
{
    Q_OBJECT
public:
    TranscriptWindow(std::shared_ptr<Transcript> transcript, const QString &filePath, Dialogs *dialogs,
                     AppSettings *settings, QWidget *parent = nullptr);

    // Reads `path` and returns a new (not yet shown) window over it, or null
    // with errorMessage naming the damaged line; no window for a bad file.
    static TranscriptWindow *openFile(const QString &path, Dialogs *dialogs, AppSettings *settings,
                                      QWidget *parent, QString *errorMessage);

    TranscriptView *view() const { return m_view; }
    std::shared_ptr<Transcript> transcript() const { return m_transcript; }
    QString filePath() const { return m_filePath; }

    void saveAs();

private:
    std::shared_ptr<Transcript> m_transcript;
    QString m_filePath;
    TranscriptFiles m_files;
    TranscriptView *m_view;
};
