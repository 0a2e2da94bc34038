#pragma once

#include <memory>

#include <QClipboard>
#include <QGuiApplication>
#include <QLocale>
#include <QMainWindow>
#include <QProgressBar>
#include <QStatusBar>
#include <QTest>
#include <QToolButton>

#include "fakedialogs.h"
#include "transcript.h"
#include "transcriptview.h"

// For a window whose status bar carries the copy progress (the main window,
// a transcript window): a confirmed 4 MiB copy in `view` shows its progress
// and Cancel button there until it is done, then says how much it copied;
// a second copy is cancelled from the status bar and keeps the clipboard.
inline void checkLargeCopyInStatusBar(QMainWindow *window, TranscriptView *view, FakeDialogs &dialogs)
{
    QProgressBar *bar = window->findChild<QProgressBar *>(QStringLiteral("copyProgress"));
    QToolButton *cancel = window->findChild<QToolButton *>(QStringLiteral("cancelCopy"));
    QVERIFY(bar && cancel);
    QCOMPARE(bar->accessibleName(), QStringLiteral("Copy progress"));
    QCOMPARE(cancel->accessibleName(), QStringLiteral("Cancel Copy"));
    QVERIFY(!bar->isVisible());
    auto transcript = std::make_shared<Transcript>();
    const QByteArray chunk(Transcript::maxChunkSize, 'y');
    for (int i = 0; i < 64; ++i) // 4 MiB
        transcript->appendData(Transcript::Direction::Received, chunk);
    view->setTranscript(transcript);
    view->flush();
    view->setCopyConfirmChars(2 * 1024 * 1024);
    view->selectAll();
    QGuiApplication::clipboard()->setText(QStringLiteral("before"));
    dialogs.confirmAnswers.enqueue(true); // asked through the window's dialogs
    view->copyAction()->trigger();
    QCOMPARE(dialogs.confirmQuestions.size(), 1);
    QVERIFY(view->isCopying());
    QVERIFY(bar->isVisible() && cancel->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!view->isCopying(), 100000);
    QVERIFY(!bar->isVisible() && !cancel->isVisible());
    const QString copied = QGuiApplication::clipboard()->text();
    QCOMPARE(copied.size(), 64 * (Transcript::maxChunkSize + 2) + 63);
    QCOMPARE(window->statusBar()->currentMessage(),
             QStringLiteral("Copied %1 characters").arg(QLocale().toString(copied.size())));
    // Cancel in the status bar.
    dialogs.confirmAnswers.enqueue(true);
    view->copyAction()->trigger();
    QVERIFY(view->isCopying());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(!view->isCopying());
    QCOMPARE(window->statusBar()->currentMessage(), QStringLiteral("Copy cancelled"));
    QCOMPARE(QGuiApplication::clipboard()->text().size(), copied.size());
}
