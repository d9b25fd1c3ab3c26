import { UploadAcceptedSchema } from '@kubetrail/model';
import type { UploadAccepted } from '@kubetrail/model';
import { ApiError, toApiError, WRITE_HEADERS } from '../api/client';

export interface UploadHandle {
  promise: Promise<UploadAccepted>;
  abort: () => void;
}

/**
 * Uploads a bundle as multipart field `file` to POST /api/bundles?name=. Uses XMLHttpRequest
 * because fetch has no upload progress. `onProgress` gets bytes sent and total (total may be 0
 * when the browser does not know it).
 */
export function uploadBundle(file: File, onProgress: (sent: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadAccepted>((resolve, reject) => {
    xhr.open('POST', `/api/bundles?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(WRITE_HEADERS)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'The upload failed: the server cannot be reached.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'The upload was cancelled.'));
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(toApiError(xhr.status, xhr.responseText));
        return;
      }
      let json: unknown = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        // handled below
      }
      const parsed = UploadAcceptedSchema.safeParse(json);
      if (parsed.success) resolve(parsed.data);
      else
        reject(
          new ApiError(xhr.status, 'bad_response', 'The server accepted the upload but answered oddly.'),
        );
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
