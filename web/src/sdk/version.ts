/** The SDK's version, sent as `x-sdk-version` and `sdkVersion`. */
export const SDK_VERSION = '1.0.0';
/** The SDK's type, sent as `x-sdk-type`. */
export const SDK_TYPE = 'bindery-js';
