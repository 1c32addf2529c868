/** The pure domain layer: rules only, no Strapi, no I/O. */
export * from './errors';
export * from './dates';
export * from './code-tables';
export * from './regions';
export * from './id-card';
export * from './student-number';
export * from './grades';
export * from './class-caps';
export * from './entry-age';
export * from './school-code';
export * from './scope';
