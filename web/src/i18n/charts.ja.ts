import type { chartsEn } from './charts.en.js';

/** グラフ（components/charts/）の日本語の文言。`ja`（messages.ja.ts）の一部。 */
export const chartsJa: Record<keyof typeof chartsEn, string> = {
  'charts.legend': '凡例',
  'charts.showTable': 'データを表で表示',
  'charts.hideTable': '表を隠す',
  'charts.tableCaption': '{title}（データ）',
  'charts.time': '時刻',
  'charts.total': '全バックヤード（件数対象）',
  'charts.succeeded': '成功',
  'charts.failed': '失敗',
  'charts.backyard.heading': '直近 {minutes} 分間',
  'charts.inFlight.title': 'バックヤード別の実行中ジョブ数',
  'charts.inFlight.summary': '現在 {now} 件のジョブが実行中です。最大は {time} の {peak} 件でした。',
  'charts.inFlight.none': '直近 {minutes} 分間に実行中のジョブはありませんでした。',
  'charts.inFlight.note':
    '各分の値は、その分の間に同時に実行中だったジョブの最大数です（数秒で終わるジョブも表れます）。上の文の件数は全バックヤードの合計です。',
  'charts.inFlight.notCounted': 'コンダクターは線で示しますが件数には含めず、コンダクターが開始した子ジョブを数えます。',
  'charts.throughput.title': '1 分ごとの終了ジョブ数',
  'charts.throughput.summary': '直近 {minutes} 分間に {total} 件のジョブが終了しました（成功 {succeeded} 件、失敗 {failed} 件）。',
  'charts.throughput.busiest': '最も多かったのは {time} の {count} 件です。',
  'charts.throughput.none': '直近 {minutes} 分間に終了したジョブはありません。',
  'charts.throughput.note': '失敗には、成功以外のすべての終了（異常、想定外エラー、緊急停止）を含みます。コンダクターは数えません。',
  'charts.drain.title': 'ドレインの進み具合（実行中のジョブ数）',
  'charts.drain.inFlight': '実行中のジョブ数',
  'charts.drain.summary': '実行中のジョブは {now} 件です（{since} には {first} 件）。',
  'charts.drain.steady': '実行中のジョブは {now} 件です（{since} から変わっていません）。',
  'charts.drain.done': '実行中のジョブはなくなりました（{since} には {first} 件）。',
  'charts.drain.note':
    'この画面を開いてから受け取った実行中件数の推移です。サーバーサイドジョブ停止中は新しいジョブが始まらないため、実行中のジョブが終わるごとに減ります。',
  'charts.fleet.title': 'フェーズごとの完了ペア数',
  'charts.fleet.summary': '各フェーズの完了ペア数：{phases}。',
  'charts.fleet.phaseDone': 'フェーズ {phase} は {total} ペア中 {done} ペア',
  'charts.fleet.join': '、',
  'charts.fleet.note':
    '各ペアが各フェーズを完了した時刻（実行のステップ記録から）。次のフェーズは、実行中のすべてのペアが前のフェーズを完了してから始まります。',
  'charts.fleet.lastDone': '最後の完了',
};
