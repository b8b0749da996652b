"""Officials' accounts and sign-in: accounts in the state database (argon2 password hashes, lock-out after repeated
failures, every attempt logged), the Flask session and CSRF set-up, role checks, and the sign-in and account pages.

The public dashboard needs none of it: a viewer is anyone signed out."""
