// SaveStatus and the background save in both windows: Save As runs in the
// background with a progress bar and Cancel in the status bar, the window
// stays usable, the file is byte-exact; Cancel (or Esc while waiting) keeps
// an old file; closing waits for a running save.
#include <QCryptographicHash>
#include <QFile>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include "appsettings.h"
#include "connectionbar.h"
#include "fakedialogs.h"
#include "mainwindow.h"
#include "requesteditor.h"
#include "savestatus.h"
#include "testsupport.h"
#include "transcript.h"
#include "transcriptfiles.h"
#include "transcriptio.h"
#include "transcriptsnapshot.h"
#include "transcriptwindow.h"

using Direction = Transcript::Direction;
using Format = TranscriptIO::Format;
using TestSupport::LoopbackServer;

namespace {

constexpr qint64 largeSize = 8 * 1024 * 1024;

// `size` bytes of text lines, as received chunks of 64 KiB.
void fill(Transcript &transcript, qint64 size)
{
    QByteArray chunk;
    for (int line = 0; chunk.size() < Transcript::maxChunkSize; ++line)
        chunk += "line " + QByteArray::number(line) + " of a large transcript\n";
    chunk.truncate(Transcript::maxChunkSize);
    for (qint64 done = 0; done < size; done += chunk.size())
        transcript.appendDataAt(Direction::Received, chunk, done / 4096, 1795626272123 + done / 4096);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// What the synchronous writer makes of `snapshot`.
QByteArray expected(const TranscriptSnapshot &snapshot, Format format)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!TranscriptIO::write(snapshot, format, &buffer, &error))
        qFatal("write failed: %s", qPrintable(error));
    return buffer.data();
}

} // namespace

class tst_SaveStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void idleStatusBarShowsNoProgress();
    void saveRunsInTheBackground();
    void fileHoldsTheTranscriptAsOfSave();
    void cancelButtonKeepsTheOldFile();
    void secondSaveWaitsForTheFirst();
    void closeWaitsForARunningSave();
    void escapeCancelsWhileWaitingAndOtherInputIsBlocked();
    void quitQuestionSaveShowsProgress();
    void transcriptWindowSavesInTheBackground();

private:
    // A main window connected to a loopback server, its transcript holding
    // `largeSize` bytes received before the connection began.
    std::unique_ptr<MainWindow> connectedWindow(LoopbackServer &server);
    static QProgressBar *progressBar(QWidget &window)
    {
        return window.findChild<QProgressBar *>(QStringLiteral("saveProgress"));
    }
    static QToolButton *cancelButton(QWidget &window)
    {
        return window.findChild<QToolButton *>(QStringLiteral("cancelSave"));
    }
    void chooseFile(const QString &path, Format format)
    {
        m_dialogs->saveChoices.enqueue(Dialogs::FileChoice{path, TranscriptIO::fileDialogFilter(format)});
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<FakeDialogs> m_dialogs;
};

void tst_SaveStatus::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void tst_SaveStatus::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_settings = std::make_unique<AppSettings>(m_dir->filePath(QStringLiteral("settings.ini")));
    m_dialogs = std::make_unique<FakeDialogs>();
}

void tst_SaveStatus::cleanup()
{
    QCOMPARE(m_dialogs->unexpected, 0);
}

std::unique_ptr<MainWindow> tst_SaveStatus::connectedWindow(LoopbackServer &server)
{
    auto window = std::make_unique<MainWindow>(m_settings.get(), m_dialogs.get());
    window->session()->setTranscriptFactory([](const QString &, quint16) {
        auto transcript = std::make_shared<Transcript>();
        fill(*transcript, largeSize);
        return transcript;
    });
    window->show();
    window->setEndpoint(QStringLiteral("127.0.0.1"), server.serverPort());
    if (!window->connectToHost()
        || !QTest::qWaitFor([&] { return window->session()->state() == Session::State::Connected; }))
        return nullptr;
    return window;
}

void tst_SaveStatus::idleStatusBarShowsNoProgress()
{
    MainWindow window(m_settings.get(), m_dialogs.get());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QProgressBar *bar = progressBar(window);
    QToolButton *cancel = cancelButton(window);
    QVERIFY(bar && cancel);
    QCOMPARE(bar->accessibleName(), QStringLiteral("Save progress"));
    QCOMPARE(cancel->accessibleName(), QStringLiteral("Cancel Save"));
    QVERIFY(!bar->toolTip().isEmpty());
    QVERIFY(!cancel->toolTip().isEmpty());
    QVERIFY(!bar->isVisible());
    QVERIFY(!cancel->isVisible());
    QCOMPARE(window.saveStatus()->progressBar(), bar);
}

void tst_SaveStatus::saveRunsInTheBackground()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = connectedWindow(server);
    QVERIFY(window);
    TranscriptFiles *files = window->transcriptFiles();
    const QString path = m_dir->filePath(QStringLiteral("large.txt"));
    chooseFile(path, Format::Text);
    const TranscriptSnapshot snapshot = window->transcript()->snapshot();

    QVERIFY(window->saveTranscript());
    // Returned at once: the save runs while the window goes on.
    QVERIFY(files->isSaving());
    QVERIFY(progressBar(*window)->isVisible());
    QVERIFY(cancelButton(*window)->isVisible());
    QVERIFY2(window->statusBar()->currentMessage().startsWith(QStringLiteral("Saving")),
             qPrintable(window->statusBar()->currentMessage()));
    // The window stays usable: the session still talks, progress arrives.
    server.lastConnection()->write("still connected\n");
    QTRY_COMPARE(window->session()->bytesReceived(), qint64(16));
    QTRY_VERIFY(progressBar(*window)->value() > 0 || !files->isSaving());

    QTRY_VERIFY_WITH_TIMEOUT(!files->isSaving(), 60'000);
    QCOMPARE(m_dialogs->errors, QStringList());
    QVERIFY(!progressBar(*window)->isVisible());
    QVERIFY(!cancelButton(*window)->isVisible());
    QCOMPARE(readAll(path), expected(snapshot, Format::Text));
    const QString message = window->statusBar()->currentMessage();
    QVERIFY2(message.startsWith(QStringLiteral("Saved ")) && message.contains(QStringLiteral("large.txt")),
             qPrintable(message));
}

void tst_SaveStatus::fileHoldsTheTranscriptAsOfSave()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = connectedWindow(server);
    QVERIFY(window);
    const std::shared_ptr<Transcript> transcript = window->transcript();
    const qint64 before = transcript->totalBytes(Direction::Received);
    const QString path = m_dir->filePath(QStringLiteral("raw.bin"));
    chooseFile(path, Format::Raw);
    QVERIFY(window->saveTranscript());
    transcript->appendData(Direction::Received, "arrived while saving"); // after Save was chosen
    QTRY_VERIFY_WITH_TIMEOUT(!window->transcriptFiles()->isSaving(), 60'000);

    const QByteArray saved = readAll(path);
    QCOMPARE(saved.size(), before);
    QCOMPARE(saved, transcript->read(Direction::Received, 0, before));
    // What arrived since is unsaved, and the message says what the file holds.
    QVERIFY(transcript->isModified());
    QVERIFY(window->isWindowModified());
    const QString message = window->statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("when Save was chosen")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("8.0 MiB")), qPrintable(message));

    // Saved again with nothing appended since: unmodified.
    window->session()->abort();
    QTRY_COMPARE(window->session()->state(), Session::State::Closed);
    chooseFile(path, Format::Raw);
    QVERIFY(window->saveTranscript());
    QTRY_VERIFY_WITH_TIMEOUT(!window->transcriptFiles()->isSaving(), 60'000);
    QVERIFY(!transcript->isModified());
    QVERIFY(!window->isWindowModified());
    QCOMPARE(readAll(path), transcript->read(Direction::Received, 0, transcript->totalBytes(Direction::Received)));
}

void tst_SaveStatus::cancelButtonKeepsTheOldFile()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = connectedWindow(server);
    QVERIFY(window);
    const QString path = m_dir->filePath(QStringLiteral("old.hex"));
    const QByteArray old = "an old file that must survive\n";
    QVERIFY(writeFile(path, old));
    chooseFile(path, Format::Hexdump);
    QVERIFY(window->saveTranscript());
    QTest::mouseClick(cancelButton(*window), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!window->transcriptFiles()->isSaving(), 60'000);
    QCOMPARE(readAll(path), old);
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden),
             (QStringList{QStringLiteral("old.hex"), QStringLiteral("settings.ini")}));
    QCOMPARE(m_dialogs->errors, QStringList()); // a cancel is no error
    QVERIFY(window->transcript()->isModified());
    QVERIFY(!progressBar(*window)->isVisible());
    const QString message = window->statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("cancelled")) && message.contains(QStringLiteral("left as it was")),
             qPrintable(message));
}

void tst_SaveStatus::secondSaveWaitsForTheFirst()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = connectedWindow(server);
    QVERIFY(window);
    chooseFile(m_dir->filePath(QStringLiteral("first.txt")), Format::Text);
    QVERIFY(window->saveTranscript());
    // No second dialog while one runs: the status bar says why.
    QVERIFY(!window->saveTranscript());
    QCOMPARE(m_dialogs->saveDialogs, 1);
    QVERIFY2(window->statusBar()->currentMessage().contains(QStringLiteral("Already saving")),
             qPrintable(window->statusBar()->currentMessage()));
    QTRY_VERIFY_WITH_TIMEOUT(!window->transcriptFiles()->isSaving(), 60'000);
    QVERIFY(QFile::exists(m_dir->filePath(QStringLiteral("first.txt"))));
}

void tst_SaveStatus::closeWaitsForARunningSave()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = connectedWindow(server);
    QVERIFY(window);
    window->session()->abort(); // nothing appended after the save
    const TranscriptSnapshot snapshot = window->transcript()->snapshot();
    const QString path = m_dir->filePath(QStringLiteral("on-close.jsonl"));
    chooseFile(path, Format::Jsonl);
    QVERIFY(window->saveTranscript());
    bool progressShownWhileWaiting = false;
    QTimer::singleShot(0, window.get(), [&] { progressShownWhileWaiting = progressBar(*window)->isVisible(); });
    QVERIFY(window->close()); // waits; then nothing is unsaved: no question
    QVERIFY(progressShownWhileWaiting);
    QVERIFY(!window->transcriptFiles()->isSaving());
    QCOMPARE(m_dialogs->unsavedQuestions, QStringList());
    QCOMPARE(readAll(path), expected(snapshot, Format::Jsonl));
}

void tst_SaveStatus::escapeCancelsWhileWaitingAndOtherInputIsBlocked()
{
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = connectedWindow(server);
    QVERIFY(window);
    const QString path = m_dir->filePath(QStringLiteral("kept.txt"));
    QVERIFY(writeFile(path, "kept"));
    chooseFile(path, Format::Text);
    QVERIFY(window->saveTranscript());
    QPlainTextEdit *request = window->requestEditor()->editor();
    QVERIFY(request->isEnabled());
    const QString requestBefore = request->toPlainText();
    bool waiting = false;
    QTimer::singleShot(0, window.get(), [&] {
        waiting = window->transcriptFiles()->isWaiting();
        QTest::keyClicks(request, QStringLiteral("typed"));            // blocked
        QTest::keyClick(window.get(), Qt::Key_Q, Qt::ControlModifier); // blocked: no nested close
        QTest::keyClick(request, Qt::Key_Escape);                        // cancels
    });
    // The save was cancelled, so the transcript is still unsaved: asked.
    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Cancel);
    QVERIFY(!window->close());
    QVERIFY(waiting);
    QCOMPARE(request->toPlainText(), requestBefore);
    QCOMPARE(readAll(path), QByteArray("kept"));
    QCOMPARE(m_dialogs->unsavedQuestions.size(), 1);
    QVERIFY(window->isVisible());
    QCOMPARE(window->session()->state(), Session::State::Connected);
    // Input flows again.
    request->moveCursor(QTextCursor::End);
    QTest::keyClicks(request, QStringLiteral("x"));
    QCOMPARE(request->toPlainText(), requestBefore + QStringLiteral("x"));
}

void tst_SaveStatus::quitQuestionSaveShowsProgress()
{
    // Save in the quit question: the window waits for the file, with the
    // progress shown, and closes once it is written.
    LoopbackServer server;
    QVERIFY(server.listenLocal());
    auto window = connectedWindow(server);
    QVERIFY(window);
    const QString path = m_dir->filePath(QStringLiteral("quit.hex"));
    m_dialogs->unsavedAnswers.enqueue(Dialogs::UnsavedAnswer::Save);
    chooseFile(path, Format::Hexdump);
    bool progressShownWhileWaiting = false;
    QTimer::singleShot(0, window.get(), [&] {
        progressShownWhileWaiting = progressBar(*window)->isVisible() && window->transcriptFiles()->isWaiting();
    });
    QVERIFY(window->close());
    QVERIFY(progressShownWhileWaiting);
    QCOMPARE(window->session()->state(), Session::State::Closed);
    QVERIFY(!window->transcript()->isModified());
    QCOMPARE(readAll(path), expected(window->transcript()->snapshot(), Format::Hexdump));
}

void tst_SaveStatus::transcriptWindowSavesInTheBackground()
{
    auto transcript = std::make_shared<Transcript>();
    transcript->setPeer(QStringLiteral("example.org"), 80);
    fill(*transcript, largeSize);
    transcript->setModified(false);
    auto *window = new TranscriptWindow(transcript, m_dir->filePath(QStringLiteral("in.jsonl")), m_dialogs.get(),
                                        m_settings.get());
    QPointer<TranscriptWindow> guard(window);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    const QString path = m_dir->filePath(QStringLiteral("export.txt"));
    chooseFile(path, Format::Text);
    window->saveAs();
    QVERIFY(window->transcriptFiles()->isSaving());
    QVERIFY(progressBar(*window)->isVisible());
    QCOMPARE(window->saveStatus()->cancelButton(), cancelButton(*window));
    // Closing waits for the file, then the window goes.
    QVERIFY(window->close());
    QTRY_VERIFY(guard.isNull());
    QCOMPARE(readAll(path), expected(transcript->snapshot(), Format::Text));
}

QTEST_MAIN(tst_SaveStatus)
#include "tst_savestatus.moc"
