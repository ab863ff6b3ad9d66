// Verify a token with LiveKit's official Node SDK and print its claims as JSON.
// Usage: LK_API_KEY=... LK_API_SECRET=... node verify_token.mjs <jwt>
import { TokenVerifier } from 'livekit-server-sdk';

const verifier = new TokenVerifier(process.env.LK_API_KEY, process.env.LK_API_SECRET);
try {
  const claims = await verifier.verify(process.argv[2]);
  process.stdout.write(JSON.stringify(claims));
} catch (error) {
  process.stderr.write(`invalid token: ${error.message}\n`);
  process.exit(1);
}
