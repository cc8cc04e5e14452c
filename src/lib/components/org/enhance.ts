import { tick } from 'svelte';
import type { SubmitFunction } from '@sveltejs/kit';

interface Options {
  /** Called after a success that stays on the page (e.g. to focus the invitation link). */
  onSuccess?: () => void;
}

/**
 * The `use:enhance` callback for the organisation pages: marks the form busy, keeps what was
 * typed when the server refuses it and puts the focus on the first field to correct.
 */
export function submitting(setBusy: (busy: boolean) => void, opts: Options = {}): SubmitFunction {
  return () => {
    setBusy(true);
    return async ({ update, result, formElement }) => {
      try {
        await update({ reset: false });
      } finally {
        setBusy(false);
      }
      if (result.type === 'failure') {
        await tick();
        const invalid = formElement.querySelector<HTMLElement>('[aria-invalid="true"]');
        (invalid ?? document.querySelector<HTMLElement>('[role="alert"][tabindex="-1"]'))?.focus();
      } else if (result.type === 'success') {
        await tick();
        opts.onSuccess?.();
      }
    };
  };
}
