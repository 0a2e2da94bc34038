#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "transcripthistory.h"

// The kept transcripts (TranscriptHistory::Item) as a table: Host, Port,
// Started, Duration, Size. Duration reads "recording" for a store being
// recorded and "recovered" for one whose process ended without closing it;
// Size is the store's size on disk (the tooltip adds the bytes sent and
// received).
//
// Contract: Qt::DisplayRole is for people (local time, units); SortRole
// gives a value that sorts as the column means (times, byte counts, with
// "recording" after every duration and "recovered" before); IdRole gives
// the item's id in every column. setItems() replaces the rows with one
// reset: a listing is small (the retention limit bounds it).
class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { HostColumn, PortColumn, StartedColumn, DurationColumn, SizeColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole, IdRole };

    explicit HistoryModel(QObject *parent = nullptr);

    void setItems(const QList<TranscriptHistory::Item> &items);
    const QList<TranscriptHistory::Item> &items() const { return m_items; }
    const TranscriptHistory::Item &item(int row) const { return m_items.at(row); }
    int rowOfId(const QString &id) const; // -1 when absent

    // "2 min 5 s", "1 h 3 min", "0.4 s"
    static QString formatDuration(qint64 ms);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<TranscriptHistory::Item> m_items;
};
