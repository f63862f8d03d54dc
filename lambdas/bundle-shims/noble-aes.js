/**
 * Stands in for @noble/ciphers' AES in the function's bundle (infra/bundle-settings.ts): pdfkit
 * needs it only to encrypt a PDF, which fact sheets never are, and its tables cost 12 ms on import.
 */
const encryptionUnsupported = () => {
  throw new Error('PDF encryption is not supported by the fact sheet renderer');
};

export const cbc = encryptionUnsupported;
export const ecb = encryptionUnsupported;
