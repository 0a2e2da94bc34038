#pragma once

#include <QDialog>
#include <QList>
#include <QStringList>

#include "transcripthistory.h"

class AppSettings;
class Dialogs;
class HistoryModel;
class QCheckBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTreeView;

// File > History: the kept transcripts in a sortable table (HistoryModel),
// newest first, with Open (also Enter and double-click), Delete (the Delete
// key; asks first through Dialogs::confirm) and the autosave settings: keep
// every session's transcript, at most N sessions and M MiB.
//
// The dialog does no disk work: it is fed with setItems() and asks for
// work with openRequested() and removeRequested() (HistoryControl does it
// in the background). Settings are written to AppSettings (in memory) as
// they change, then settingsChanged() is emitted; limits take effect at the
// next enforcement (a session's end, the next start), so that typing a
// number never deletes anything on the way.
class HistoryDialog : public QDialog
{
    Q_OBJECT
public:
    HistoryDialog(AppSettings *settings, Dialogs *dialogs, QWidget *parent = nullptr);

    void setItems(const QList<TranscriptHistory::Item> &items);
    // "Listing…" while a listing runs, or an error; empty for the summary.
    void setStatus(const QString &text);
    // Ids of the selected rows, in the order shown.
    QStringList selectedIds() const;
    void selectId(const QString &id);

    // Opens the selected transcripts (emits openRequested), or says why not.
    void openSelected();
    // Asks, then emits removeRequested for the selected transcripts that are
    // not being recorded.
    void deleteSelected();

    QTreeView *table() const { return m_table; }
    HistoryModel *model() const { return m_model; }
    QPushButton *openButton() const { return m_open; }
    QPushButton *deleteButton() const { return m_delete; }
    QCheckBox *autosaveBox() const { return m_autosave; }
    QSpinBox *maxSessionsBox() const { return m_maxSessions; }
    QSpinBox *maxSizeBox() const { return m_maxSize; }
    QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    void openRequested(const QStringList &ids);
    void removeRequested(const QStringList &ids);
    void settingsChanged();

private:
    void updateButtons();
    void updateSummary();
    void writeSettings();

    AppSettings *m_settings;
    Dialogs *m_dialogs;
    HistoryModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTreeView *m_table;
    QPushButton *m_open;
    QPushButton *m_delete;
    QCheckBox *m_autosave;
    QSpinBox *m_maxSessions;
    QSpinBox *m_maxSize;
    QLabel *m_status;
    QString m_statusText;
};
