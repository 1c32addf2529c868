export { default } from '../server/account-security';
