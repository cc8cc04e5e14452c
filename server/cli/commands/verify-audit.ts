import { verifyMeetingAudit } from '../../audit/meeting-audit.ts';
import { bi } from '../../shared/app-error.ts';
import { isUuid } from '../../shared/validate.ts';
import { UsageError } from '../args.ts';
import type { CliCommand } from '../command.ts';

export const verifyAudit: CliCommand = {
  name: 'verify-audit',
  summary: bi("Vérifie la chaîne d'empreintes du journal des votes d'une séance.", "Verifies the hash chain of a meeting's vote audit log."),
  details: [
    bi(
      'Code de sortie 0 si le journal est intact, 1 si une entrée a été modifiée, supprimée ou déplacée.',
      'Exit code 0 when the log is intact, 1 when an entry was changed, removed or moved.'
    )
  ],
  positionals: [{ name: bi('séance', 'meeting'), required: true, help: bi('Identifiant de la séance (uuid).', 'Meeting id (uuid).') }],
  async run(ctx) {
    const meetingId = ctx.args.positionals[0] ?? '';
    if (!isUuid(meetingId)) {
      throw new UsageError(bi(`Identifiant de séance invalide : ${meetingId}`, `Invalid meeting id: ${meetingId}`));
    }
    return ctx.withDb(async (db) => {
      const exists = await db.query('select 1 from meetings where id = $1', [meetingId]);
      if (!exists.length) {
        ctx.err(`Séance introuvable : ${meetingId} / Meeting not found: ${meetingId}`);
        return 1;
      }
      const result = await verifyMeetingAudit(db, meetingId);
      if (result.ok) {
        ctx.out(`Journal intact : ${result.entries} entrée(s) vérifiée(s). / Log intact: ${result.entries} entr${result.entries === 1 ? 'y' : 'ies'} verified.`);
        return 0;
      }
      const b = result.brokenAt!;
      ctx.err(
        `Journal altéré à l'entrée ${b.seq} (${b.reason}). / Log tampered with at entry ${b.seq} (${b.reason}).`
      );
      return 1;
    });
  }
};
