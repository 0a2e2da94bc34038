// The "Not recording" status field: a session recording into a store on a
// small filesystem that fills up keeps running, and the field says why.
#include <cerrno>
#include <cstring>


#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "recordingstatus.h"
#include "session.h"
#include "testsupport.h"
#include "transcript.h"
#include "transcripthistory.h"

class TestRecordingStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hiddenWhileRecording();
    void showsWhyRecordingStopped();
};

void TestRecordingStatus::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestRecordingStatus::hiddenWhileRecording()
{
    QStatusBar bar;
    Session session;
    RecordingStatus status(&session, &bar);
    bar.show();
    QVERIFY(!status.label()->isVisible());
    QCOMPARE(status.label()->accessibleName(), QStringLiteral("Recording: stopped"));
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.transcript()->isRecording());
    QVERIFY(!status.label()->isVisible());
}

void TestRecordingStatus::showsWhyRecordingStopped()
{
    TestSupport::SmallFilesystem disk;
    if (!disk.isMounted()) {
        QVERIFY2(disk.notPermitted(), qPrintable(disk.whyNot()));
        QSKIP(qPrintable(disk.whyNot()));
    }

    const TranscriptHistory history(disk.path());
    QStatusBar bar;
    Session session;
    session.setTranscriptFactory(
        [&history](const QString &host, quint16 port) { return history.createTranscript(host, port); });
    RecordingStatus status(&session, &bar);
    QSignalSpy stopped(&status, &RecordingStatus::stopped);
    bar.show();

    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QVERIFY(server.waitForNewConnection(30000));
    QTcpSocket *peer = server.nextPendingConnection();
    QTRY_COMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.transcript()->storePath().startsWith(disk.path()));

    const QByteArray block(64 * 1024, 'x');
    for (int i = 0; i < 48; ++i) // 3 MB
        peer->write(block);
    QTRY_COMPARE_WITH_TIMEOUT(session.bytesReceived(), qint64(48) * block.size(), 30000);

    QTRY_COMPARE(stopped.count(), 1); // found by the writer thread, reported on its next check
    QVERIFY(stopped.at(0).at(0).toString().contains(QString::fromLocal8Bit(std::strerror(ENOSPC))));
    QVERIFY(status.label()->isVisible());
    QCOMPARE(status.label()->text(), QStringLiteral("Not recording"));
    QVERIFY(status.label()->toolTip().contains(session.transcript()->recordingError()));
    QCOMPARE(status.label()->accessibleDescription(), status.label()->toolTip());
    // The session goes on.
    QCOMPARE(session.state(), Session::State::Connected);
    QVERIFY(session.transcript()->droppedBytes() > 0);
    peer->write("still here");
    QTRY_COMPARE(session.bytesReceived(), qint64(48) * block.size() + 10);

    // A new connection's transcript starts hidden again.
    session.abort();
    session.setTranscriptFactory({});
    QVERIFY(session.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()));
    QVERIFY(!status.label()->isVisible());
    session.abort();
}

QTEST_MAIN(TestRecordingStatus)
#include "tst_recordingstatus.moc"
