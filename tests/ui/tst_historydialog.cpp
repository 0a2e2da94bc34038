// HistoryDialog and HistoryModel: the kept transcripts as a sortable table
// (host, port, start, duration or "recording"/"recovered", size), Open by
// Enter, double-click or button, Delete after a confirmation, and the
// autosave settings written through to AppSettings. Fed with items; the
// disk side is HistoryControl's (tst_historycontrol).
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

#include "appsettings.h"
#include "fakedialogs.h"
#include "historydialog.h"
#include "historymodel.h"

namespace {

QStringList strings(std::initializer_list<const char *> texts)
{
    QStringList list;
    for (const char *text : texts)
        list.append(QString::fromUtf8(text));
    return list;
}

} // namespace

class HistoryDialogTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void modelPassesTheTester();
    void columnsShowEachItem();
    void sortsByEachColumn_data();
    void sortsByEachColumn();
    void newestFirstByDefault();
    void openByEnterDoubleClickAndButton();
    void deleteAsksFirst();
    void recordingIsNeverDeleted();
    void settingsWriteThrough();
    void settingsDefaults();
    void selectionSurvivesARefresh();
    void everyControlHasAnAccessibleName();

private:
    static QList<TranscriptHistory::Item> sampleItems();
    static QStringList column(HistoryDialog &dialog, int column);
    std::unique_ptr<AppSettings> makeSettings()
    {
        return std::make_unique<AppSettings>(m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_settings)));
    }

    QTemporaryDir m_dir;
    int m_settings = 0;
};

void HistoryDialogTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
}

QList<TranscriptHistory::Item> HistoryDialogTest::sampleItems()
{
    const QDateTime base = QDateTime::fromString(QStringLiteral("2026-11-25T10:00:00Z"), Qt::ISODate);
    QList<TranscriptHistory::Item> items;
    TranscriptHistory::Item a;
    a.id = QStringLiteral("a");
    a.path = QStringLiteral("/h/a");
    a.host = QStringLiteral("beta.example");
    a.port = 443;
    a.startTime = base;
    a.endTime = base.addSecs(125);
    a.bytesReceived = 5000;
    a.diskSize = 8192;
    items.append(a);
    TranscriptHistory::Item b;
    b.id = QStringLiteral("b");
    b.path = QStringLiteral("/h/b");
    b.host = QStringLiteral("alpha.example");
    b.port = 80;
    b.startTime = base.addSecs(3600);
    b.diskSize = 4 * 1024 * 1024;
    b.recovered = true;
    items.append(b);
    TranscriptHistory::Item c;
    c.id = QStringLiteral("c");
    c.path = QStringLiteral("/h/c");
    c.host = QStringLiteral("Gamma.example");
    c.port = 7;
    c.startTime = base.addSecs(7200);
    c.diskSize = 100;
    c.active = true;
    items.append(c);
    return items;
}

QStringList HistoryDialogTest::column(HistoryDialog &dialog, int column)
{
    QStringList values;
    QAbstractItemModel *model = dialog.table()->model();
    for (int row = 0; row < model->rowCount(); ++row)
        values.append(model->index(row, column).data().toString());
    return values;
}

void HistoryDialogTest::modelPassesTheTester()
{
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setItems(sampleItems());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), int(HistoryModel::ColumnCount));
    model.setItems({});
    QCOMPARE(model.rowCount(), 0);
    model.setItems(sampleItems().mid(1));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOfId(QStringLiteral("c")), 1);
    QCOMPARE(model.rowOfId(QStringLiteral("a")), -1);
}

void HistoryDialogTest::columnsShowEachItem()
{
    HistoryModel model;
    model.setItems(sampleItems());
    const auto text = [&model](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(text(0, HistoryModel::HostColumn), QStringLiteral("beta.example"));
    QCOMPARE(text(0, HistoryModel::PortColumn), QStringLiteral("443"));
    QCOMPARE(text(0, HistoryModel::StartedColumn),
             QLocale().toString(sampleItems().first().startTime.toLocalTime(), QLocale::ShortFormat));
    QCOMPARE(text(0, HistoryModel::DurationColumn), QStringLiteral("2 min 5 s"));
    QCOMPARE(text(0, HistoryModel::SizeColumn), QStringLiteral("8.0 KiB"));
    QCOMPARE(text(1, HistoryModel::DurationColumn), QStringLiteral("recovered"));
    QCOMPARE(text(1, HistoryModel::SizeColumn), QStringLiteral("4.0 MiB"));
    QCOMPARE(text(2, HistoryModel::DurationColumn), QStringLiteral("recording"));
    for (int column = 0; column < HistoryModel::ColumnCount; ++column)
        QCOMPARE(model.index(1, column).data(HistoryModel::IdRole).toString(), QStringLiteral("b"));
    const QString tip = model.index(1, 0).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("Recovered")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("alpha.example:80")), qPrintable(tip));
    QCOMPARE(model.headerData(HistoryModel::HostColumn, Qt::Horizontal).toString(), QStringLiteral("Host"));
    QCOMPARE(model.headerData(HistoryModel::SizeColumn, Qt::Horizontal).toString(), QStringLiteral("Size"));

    QCOMPARE(HistoryModel::formatDuration(400), QStringLiteral("0.4 s"));
    QCOMPARE(HistoryModel::formatDuration(3 * 3600 * 1000 + 61 * 1000), QStringLiteral("3 h 1 min"));
}

void HistoryDialogTest::sortsByEachColumn_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QStringList>("ascendingIds");
    QTest::newRow("host, case-insensitive") << int(HistoryModel::HostColumn) << strings({"b", "a", "c"});
    QTest::newRow("port, as numbers") << int(HistoryModel::PortColumn) << strings({"c", "b", "a"});
    QTest::newRow("started") << int(HistoryModel::StartedColumn) << strings({"a", "b", "c"});
    QTest::newRow("duration: recovered, times, recording")
        << int(HistoryModel::DurationColumn) << strings({"b", "a", "c"});
    QTest::newRow("size, as numbers") << int(HistoryModel::SizeColumn) << strings({"c", "a", "b"});
}

void HistoryDialogTest::sortsByEachColumn()
{
    QFETCH(int, column);
    QFETCH(QStringList, ascendingIds);
    auto settings = makeSettings();
    FakeDialogs dialogs;
    HistoryDialog dialog(settings.get(), &dialogs);
    dialog.setItems(sampleItems());
    dialog.table()->sortByColumn(column, Qt::AscendingOrder);
    QStringList ids;
    QAbstractItemModel *model = dialog.table()->model();
    for (int row = 0; row < model->rowCount(); ++row)
        ids.append(model->index(row, 0).data(HistoryModel::IdRole).toString());
    QCOMPARE(ids, ascendingIds);
    dialog.table()->sortByColumn(column, Qt::DescendingOrder);
    std::reverse(ascendingIds.begin(), ascendingIds.end());
    ids.clear();
    for (int row = 0; row < model->rowCount(); ++row)
        ids.append(model->index(row, 0).data(HistoryModel::IdRole).toString());
    QCOMPARE(ids, ascendingIds);
}

void HistoryDialogTest::newestFirstByDefault()
{
    auto settings = makeSettings();
    FakeDialogs dialogs;
    HistoryDialog dialog(settings.get(), &dialogs);
    dialog.setItems(sampleItems());
    QCOMPARE(column(dialog, HistoryModel::HostColumn),
             (strings({"Gamma.example", "alpha.example", "beta.example"})));
    QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("3 transcripts")));
    QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("1 recovered")));
}

void HistoryDialogTest::openByEnterDoubleClickAndButton()
{
    auto settings = makeSettings();
    FakeDialogs dialogs;
    HistoryDialog dialog(settings.get(), &dialogs);
    dialog.setItems(sampleItems());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy opened(&dialog, &HistoryDialog::openRequested);
    QVERIFY(!dialog.openButton()->isEnabled()); // nothing selected

    dialog.selectId(QStringLiteral("a"));
    QVERIFY(dialog.openButton()->isEnabled());
    dialog.table()->setFocus();
    QTest::keyClick(dialog.table(), Qt::Key_Return);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.takeFirst().first().toStringList(), QStringList{QStringLiteral("a")});
    QVERIFY(dialog.isVisible()); // Enter opens; it does not close the dialog

    QTreeView *table = dialog.table();
    const QModelIndex b = table->model()->index(1, HistoryModel::PortColumn);
    QCOMPARE(b.data(HistoryModel::IdRole).toString(), QStringLiteral("b"));
    const QPoint where = table->visualRect(b).center();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, where);
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, where);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.takeFirst().first().toStringList(), QStringList{QStringLiteral("b")});

    dialog.selectId(QStringLiteral("c")); // b and c now
    QTest::mouseClick(dialog.openButton(), Qt::LeftButton);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.takeFirst().first().toStringList(), (strings({"c", "b"})));
    QCOMPARE(dialogs.unexpected, 0);
}

void HistoryDialogTest::deleteAsksFirst()
{
    auto settings = makeSettings();
    FakeDialogs dialogs;
    HistoryDialog dialog(settings.get(), &dialogs);
    dialog.setItems(sampleItems());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy removed(&dialog, &HistoryDialog::removeRequested);

    dialog.selectId(QStringLiteral("a"));
    QVERIFY(dialog.deleteButton()->isEnabled());
    dialogs.confirmAnswers.enqueue(false);
    QTest::mouseClick(dialog.deleteButton(), Qt::LeftButton);
    QCOMPARE(dialogs.confirmQuestions.size(), 1);
    QVERIFY2(dialogs.confirmQuestions.first().contains(QStringLiteral("beta.example")),
             qPrintable(dialogs.confirmQuestions.first()));
    QCOMPARE(removed.count(), 0); // declined

    dialogs.confirmAnswers.enqueue(true);
    dialog.table()->setFocus();
    QTest::keySequence(dialog.table(), QKeySequence::Delete);
    QCOMPARE(dialogs.confirmQuestions.size(), 2);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.first().first().toStringList(), QStringList{QStringLiteral("a")});
    QCOMPARE(dialogs.unexpected, 0);
}

void HistoryDialogTest::recordingIsNeverDeleted()
{
    auto settings = makeSettings();
    FakeDialogs dialogs;
    HistoryDialog dialog(settings.get(), &dialogs);
    dialog.setItems(sampleItems());
    QSignalSpy removed(&dialog, &HistoryDialog::removeRequested);

    dialog.selectId(QStringLiteral("c")); // being recorded
    QVERIFY(!dialog.deleteButton()->isEnabled());
    dialog.deleteSelected();
    QCOMPARE(dialogs.confirmQuestions.size(), 0);
    QCOMPARE(removed.count(), 0);
    QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("being recorded")));

    dialog.selectId(QStringLiteral("b"));
    QVERIFY(dialog.deleteButton()->isEnabled());
    dialogs.confirmAnswers.enqueue(true);
    dialog.deleteSelected();
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.first().first().toStringList(), QStringList{QStringLiteral("b")});
    QVERIFY(dialogs.confirmQuestions.last().contains(QStringLiteral("1 being recorded will be kept")));
}

void HistoryDialogTest::settingsWriteThrough()
{
    auto settings = makeSettings();
    FakeDialogs dialogs;
    HistoryDialog dialog(settings.get(), &dialogs);
    QSignalSpy changed(&dialog, &HistoryDialog::settingsChanged);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    dialog.autosaveBox()->setFocus();
    QTest::keyClick(dialog.autosaveBox(), Qt::Key_Space);
    QVERIFY(!settings->autosave());
    QVERIFY(changed.count() >= 1);
    dialog.maxSessionsBox()->setValue(7);
    dialog.maxSizeBox()->setValue(300);
    QCOMPARE(settings->historyLimits().maxCount, 7);
    QCOMPARE(settings->historyLimits().maxBytes, 300LL * 1024 * 1024);
    settings->sync();

    // A new dialog (and new settings object) reads them back.
    AppSettings reread(settings->fileName());
    QVERIFY(!reread.autosave());
    HistoryDialog again(&reread, &dialogs);
    QVERIFY(!again.autosaveBox()->isChecked());
    QCOMPARE(again.maxSessionsBox()->value(), 7);
    QCOMPARE(again.maxSizeBox()->value(), 300);
}

void HistoryDialogTest::settingsDefaults()
{
    auto settings = makeSettings();
    QVERIFY(settings->autosave());
    QCOMPARE(settings->historyLimits().maxCount, 50);
    QCOMPARE(settings->historyLimits().maxBytes, 2LL * 1024 * 1024 * 1024);
    FakeDialogs dialogs;
    HistoryDialog dialog(settings.get(), &dialogs);
    QVERIFY(dialog.autosaveBox()->isChecked());
    QCOMPARE(dialog.maxSessionsBox()->value(), 50);
    QCOMPARE(dialog.maxSizeBox()->value(), 2048);

    // Nonsense in the file falls back or is raised to the minimums.
    TranscriptHistory::Limits silly;
    silly.maxCount = 0;
    silly.maxBytes = 10;
    settings->setHistoryLimits(silly);
    QCOMPARE(settings->historyLimits().maxCount, 1);
    QCOMPARE(settings->historyLimits().maxBytes, 1024LL * 1024);
}

void HistoryDialogTest::selectionSurvivesARefresh()
{
    auto settings = makeSettings();
    FakeDialogs dialogs;
    HistoryDialog dialog(settings.get(), &dialogs);
    dialog.setItems(sampleItems());
    dialog.selectId(QStringLiteral("b"));
    dialog.setItems(sampleItems());
    QCOMPARE(dialog.selectedIds(), QStringList{QStringLiteral("b")});
    dialog.setItems(sampleItems().mid(0, 1)); // b is gone
    QCOMPARE(dialog.selectedIds(), QStringList());
    QVERIFY(!dialog.openButton()->isEnabled());
}

void HistoryDialogTest::everyControlHasAnAccessibleName()
{
    auto settings = makeSettings();
    FakeDialogs dialogs;
    HistoryDialog dialog(settings.get(), &dialogs);
    QVERIFY(!dialog.accessibleName().isEmpty());
    const QList<QWidget *> controls = dialog.findChildren<QWidget *>();
    int checked = 0;
    for (QWidget *w : controls) {
        if (qobject_cast<QAbstractButton *>(w) || qobject_cast<QAbstractSpinBox *>(w)
            || (qobject_cast<QAbstractItemView *>(w) && !qobject_cast<QHeaderView *>(w))) {
            QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->objectName() + QString::fromLatin1(w->metaObject()->className())));
            QVERIFY2(!w->toolTip().isEmpty(), qPrintable(w->accessibleName()));
            ++checked;
        }
    }
    QVERIFY(checked >= 7); // table, open, delete, close, checkbox, two spin boxes
}

QTEST_MAIN(HistoryDialogTest)
#include "tst_historydialog.moc"
