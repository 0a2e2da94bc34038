#include "historymodel.h"

#include <limits>

#include <QLocale>

#include "session.h"
#include "sessionstatus.h"

HistoryModel::HistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void HistoryModel::setItems(const QList<TranscriptHistory::Item> &items)
{
    beginResetModel();
    m_items = items;
    endResetModel();
}

int HistoryModel::rowOfId(const QString &id) const
{
    for (int row = 0; row < m_items.size(); ++row) {
        if (m_items.at(row).id == id)
            return row;
    }
    return -1;
}

QString HistoryModel::formatDuration(qint64 ms)
{
    if (ms < 0)
        ms = 0;
    if (ms < 10000)
        return tr("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 1));
    const qint64 seconds = ms / 1000;
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return tr("%1 h %2 min").arg(seconds / 3600).arg((seconds / 60) % 60);
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TranscriptHistory::Item &item = m_items.at(index.row());
    if (role == IdRole)
        return item.id;

    const bool finished = !item.active && !item.recovered && item.endTime.isValid() && item.startTime.isValid();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        switch (index.column()) {
        case HostColumn:
            return item.host;
        case PortColumn:
            return QString::number(item.port);
        case StartedColumn:
            return item.startTime.isValid()
                ? QLocale().toString(item.startTime.toLocalTime(), QLocale::ShortFormat)
                : tr("unknown");
        case DurationColumn:
            if (item.active)
                return tr("recording");
            if (item.recovered)
                return tr("recovered");
            return finished ? formatDuration(item.startTime.msecsTo(item.endTime)) : tr("unknown");
        case SizeColumn:
            return SessionStatus::formatBytes(item.diskSize);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case HostColumn:
            return item.host.toCaseFolded();
        case PortColumn:
            return int(item.port);
        case StartedColumn:
            return item.startTime.isValid() ? item.startTime.toMSecsSinceEpoch() : qint64(0);
        case DurationColumn:
            if (item.active)
                return std::numeric_limits<qint64>::max();
            if (item.recovered || !finished)
                return qint64(-1);
            return item.startTime.msecsTo(item.endTime);
        case SizeColumn:
            return item.diskSize;
        }
        break;
    case Qt::ToolTipRole: {
        QString tip = tr("%1, started %2\nReceived %3, sent %4; %5 on disk")
                          .arg(Session::formatEndpoint(item.host, item.port),
                               QLocale().toString(item.startTime.toLocalTime(), QLocale::LongFormat),
                               SessionStatus::formatBytes(item.bytesReceived),
                               SessionStatus::formatBytes(item.bytesSent),
                               SessionStatus::formatBytes(item.diskSize));
        if (item.active)
            tip += QLatin1Char('\n') + tr("Being recorded now.");
        if (item.recovered)
            tip += QLatin1Char('\n') + tr("Recovered: the program recording it ended without closing it.");
        return tip;
    }
    case Qt::TextAlignmentRole:
        if (index.column() == PortColumn || index.column() == SizeColumn)
            return QVariant::fromValue(Qt::AlignTrailing | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case HostColumn:
        return tr("Host");
    case PortColumn:
        return tr("Port");
    case StartedColumn:
        return tr("Started");
    case DurationColumn:
        return tr("Duration");
    case SizeColumn:
        return tr("Size");
    }
    return {};
}
