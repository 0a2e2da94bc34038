#include "historydialog.h"

#include <algorithm>
#include <functional>

#include <QAction>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTreeView>
#include <QVBoxLayout>

#include "actionutil.h"
#include "appsettings.h"
#include "dialogs.h"
#include "historymodel.h"
#include "sessionstatus.h"

namespace {

constexpr qint64 mebibyte = 1024 * 1024;

// Enter on the table opens the selection, as double-click does.
class HistoryTable : public QTreeView
{
public:
    using QTreeView::QTreeView;
    std::function<void()> activate;

protected:
    void keyPressEvent(QKeyEvent *event) override
    {
        if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && activate
            && event->modifiers() == Qt::NoModifier) {
            activate();
            event->accept();
            return;
        }
        QTreeView::keyPressEvent(event);
    }
};

} // namespace

HistoryDialog::HistoryDialog(AppSettings *settings, Dialogs *dialogs, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_dialogs(dialogs)
    , m_model(new HistoryModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("historyDialog"));
    setWindowTitle(tr("History \u2014 Socketeer"));
    setAccessibleName(tr("Transcript history"));
    setModal(false);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(HistoryModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    auto *table = new HistoryTable(this);
    table->activate = [this] { openSelected(); };
    m_table = table;
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setAccessibleName(tr("Kept transcripts"));
    m_table->setToolTip(tr("Every session's transcript kept by autosave. Enter or double-click opens one."));
    m_table->setModel(m_proxy);
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setAllColumnsShowFocus(true);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(HistoryModel::StartedColumn, Qt::DescendingOrder);
    m_table->header()->setStretchLastSection(false);
    m_table->header()->setSectionResizeMode(HistoryModel::HostColumn, QHeaderView::Stretch);
    for (int column = HistoryModel::PortColumn; column < HistoryModel::ColumnCount; ++column)
        m_table->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this] { openSelected(); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HistoryDialog::updateButtons);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setAccessibleName(tr("History summary"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);

    m_open = new QPushButton(tr("&Open"), this);
    m_open->setObjectName(QStringLiteral("historyOpen"));
    m_open->setAccessibleName(tr("Open transcript"));
    m_open->setToolTip(withShortcut(tr("Open the selected transcripts, each in its own window"),
                                    QKeySequence(Qt::Key_Return)));
    m_open->setAutoDefault(false);
    connect(m_open, &QPushButton::clicked, this, &HistoryDialog::openSelected);

    m_delete = new QPushButton(tr("&Delete..."), this);
    m_delete->setObjectName(QStringLiteral("historyDelete"));
    m_delete->setAccessibleName(tr("Delete transcript"));
    m_delete->setAutoDefault(false);
    auto *deleteAction = new QAction(this);
    deleteAction->setShortcuts(QKeySequence::Delete);
    deleteAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_table->addAction(deleteAction);
    m_delete->setToolTip(withShortcut(tr("Delete the selected transcripts from the disk (asks first)"),
                                      QKeySequence(QKeySequence::Delete)));
    connect(m_delete, &QPushButton::clicked, this, &HistoryDialog::deleteSelected);
    connect(deleteAction, &QAction::triggered, this, &HistoryDialog::deleteSelected);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_open, QDialogButtonBox::ActionRole);
    buttons->addButton(m_delete, QDialogButtonBox::ActionRole);
    QPushButton *close = buttons->button(QDialogButtonBox::Close);
    close->setAccessibleName(tr("Close history"));
    close->setToolTip(tr("Close this window"));
    close->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    // Settings.
    auto *autosaveGroup = new QGroupBox(tr("Autosave"), this);
    autosaveGroup->setAccessibleName(tr("Autosave settings"));
    m_autosave = new QCheckBox(tr("&Keep transcripts of every session"), autosaveGroup);
    m_autosave->setObjectName(QStringLiteral("historyAutosave"));
    m_autosave->setAccessibleName(tr("Keep transcripts of every session"));
    m_autosave->setToolTip(tr("Record every connection to the disk and keep it here; "
                              "such transcripts never need saving before quitting."));
    m_maxSessions = new QSpinBox(autosaveGroup);
    m_maxSessions->setObjectName(QStringLiteral("historyMaxSessions"));
    m_maxSessions->setAccessibleName(tr("Keep at most this many sessions"));
    m_maxSessions->setToolTip(tr("Older transcripts beyond this number are deleted when a session ends "
                                 "and at start"));
    m_maxSessions->setRange(1, 100000);
    m_maxSize = new QSpinBox(autosaveGroup);
    m_maxSize->setObjectName(QStringLiteral("historyMaxSize"));
    m_maxSize->setAccessibleName(tr("Keep at most this much on disk, in MiB"));
    m_maxSize->setToolTip(tr("Older transcripts are deleted, when a session ends and at start, "
                             "until all of them fit in this size"));
    m_maxSize->setRange(1, 1024 * 1024);
    m_maxSize->setSuffix(tr(" MiB"));
    m_maxSize->setSingleStep(256);

    auto *form = new QFormLayout(autosaveGroup);
    form->addRow(m_autosave);
    form->addRow(tr("Keep at most &sessions:"), m_maxSessions);
    form->addRow(tr("Keep at most &size:"), m_maxSize);
    auto *note = new QLabel(tr("Limits apply to finished sessions when a session ends and at start; "
                               "the oldest go first."),
                            autosaveGroup);
    note->setWordWrap(true);
    form->addRow(note);

    const TranscriptHistory::Limits limits = m_settings->historyLimits();
    m_autosave->setChecked(m_settings->autosave());
    m_maxSessions->setValue(limits.maxCount);
    m_maxSize->setValue(int(qBound(qint64(1), limits.maxBytes / mebibyte, qint64(m_maxSize->maximum()))));
    connect(m_autosave, &QCheckBox::toggled, this, &HistoryDialog::writeSettings);
    connect(m_maxSessions, &QSpinBox::valueChanged, this, &HistoryDialog::writeSettings);
    connect(m_maxSize, &QSpinBox::valueChanged, this, &HistoryDialog::writeSettings);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    layout->addWidget(autosaveGroup);
    layout->addWidget(buttons);

    const QFontMetrics metrics(font());
    resize(metrics.horizontalAdvance(QLatin1Char('M')) * 60, metrics.lineSpacing() * 30);
    updateButtons();
    updateSummary();
}

void HistoryDialog::setItems(const QList<TranscriptHistory::Item> &items)
{
    const QStringList selected = selectedIds();
    QString current;
    if (m_table->currentIndex().isValid())
        current = m_table->currentIndex().data(HistoryModel::IdRole).toString();
    m_statusText.clear();
    m_model->setItems(items);
    for (const QString &id : selected)
        selectId(id);
    if (!current.isEmpty()) {
        const int row = m_model->rowOfId(current);
        if (row >= 0)
            m_table->selectionModel()->setCurrentIndex(m_proxy->mapFromSource(m_model->index(row, 0)),
                                                       QItemSelectionModel::NoUpdate);
    }
    updateButtons();
    updateSummary();
}

void HistoryDialog::setStatus(const QString &text)
{
    m_statusText = text;
    updateSummary();
}

QStringList HistoryDialog::selectedIds() const
{
    QStringList ids;
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &index : rows)
        ids.append(index.data(HistoryModel::IdRole).toString());
    return ids;
}

void HistoryDialog::selectId(const QString &id)
{
    const int row = m_model->rowOfId(id);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_table->selectionModel()->select(index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
}

void HistoryDialog::openSelected()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty()) {
        setStatus(tr("Select a transcript to open."));
        return;
    }
    Q_EMIT openRequested(ids);
}

void HistoryDialog::deleteSelected()
{
    QStringList ids;
    int recording = 0;
    for (const QString &id : selectedIds()) {
        const int row = m_model->rowOfId(id);
        if (row >= 0 && m_model->item(row).active)
            ++recording;
        else
            ids.append(id);
    }
    if (ids.isEmpty()) {
        setStatus(recording > 0 ? tr("A transcript being recorded cannot be deleted.")
                                : tr("Select a transcript to delete."));
        return;
    }
    QString question;
    if (ids.size() == 1) {
        const TranscriptHistory::Item &item = m_model->item(m_model->rowOfId(ids.first()));
        question = tr("Delete the transcript of %1, port %2, started %3? This cannot be undone.")
                       .arg(item.host)
                       .arg(item.port)
                       .arg(QLocale().toString(item.startTime.toLocalTime(), QLocale::ShortFormat));
    } else {
        question = tr("Delete %n transcripts? This cannot be undone.", nullptr, int(ids.size()));
    }
    if (recording > 0)
        question += QLatin1Char('\n') + tr("%n being recorded will be kept.", nullptr, recording);
    if (!m_dialogs->confirm(this, tr("Delete Transcripts"), question, tr("Delete")))
        return;
    Q_EMIT removeRequested(ids);
}

void HistoryDialog::updateButtons()
{
    const QStringList ids = selectedIds();
    m_open->setEnabled(!ids.isEmpty());
    bool deletable = false;
    for (const QString &id : ids) {
        const int row = m_model->rowOfId(id);
        deletable = deletable || (row >= 0 && !m_model->item(row).active);
    }
    m_delete->setEnabled(deletable);
}

void HistoryDialog::updateSummary()
{
    if (!m_statusText.isEmpty()) {
        m_status->setText(m_statusText);
        return;
    }
    qint64 bytes = 0;
    int recovered = 0;
    for (const TranscriptHistory::Item &item : m_model->items()) {
        bytes += item.diskSize;
        recovered += item.recovered ? 1 : 0;
    }
    QString text = tr("%n transcripts, %1 on disk.", nullptr, int(m_model->rowCount()))
                       .arg(SessionStatus::formatBytes(bytes));
    if (recovered > 0)
        text += QLatin1Char(' ') + tr("%n recovered after the program ended unexpectedly.", nullptr, recovered);
    m_status->setText(text);
}

void HistoryDialog::writeSettings()
{
    m_settings->setAutosave(m_autosave->isChecked());
    TranscriptHistory::Limits limits;
    limits.maxCount = m_maxSessions->value();
    limits.maxBytes = qint64(m_maxSize->value()) * mebibyte;
    m_settings->setHistoryLimits(limits);
    Q_EMIT settingsChanged();
}
